import Client
import Glibc
import Wire

/// `kvctl watch [PREFIX]`: `CHANGES PREFIX` on one node, then one line per
/// change it applies, `SLOT EVENT KEY [VALUE]`, until interrupted. A lost
/// node is replaced by the next endpoint, with a note on stderr: what was
/// applied in between is not shown.
func runWatch(_ prefix: [UInt8], _ endpoints: KvctlEndpoints, timeoutSeconds: Double) -> KvctlExitCode {
    var index = 0
    var failuresInARow = 0
    while true {
        let address = endpoints.addresses[index % endpoints.addresses.count]
        index += 1
        do throws(RESPClientError) {
            let client = try RESPClient(host: address.host, port: address.port, timeoutSeconds: timeoutSeconds)
            defer { client.close() }
            if let password = endpoints.password {
                guard case .simpleString = try client.call([Array("AUTH".utf8), Array(password.utf8)]) else {
                    Output.error("kvctl watch: \(address): AUTH refused")
                    return .usage
                }
            }
            let confirmation = try client.call([Array("CHANGES".utf8), prefix])
            guard case .array(let items?) = confirmation, items.first == .bulk(Array("changes".utf8)) else {
                Output.error("kvctl watch: \(address) answered \(confirmation)")
                return .unavailable
            }
            Output.error("watching \(prefix.isEmpty ? "every key" : "keys starting with '\(Output.printable(prefix))'") on \(address)")
            failuresInARow = 0
            while true {
                let frame: RESPValue
                do throws(RESPClientError) {
                    frame = try client.readReply()
                } catch .timedOut {
                    continue  // nothing changed for a while
                }
                printChange(frame)
            }
        } catch {
            failuresInARow += 1
            Output.error("kvctl watch: \(address): \(error); trying the next node (changes meanwhile are not shown)")
            if failuresInARow >= endpoints.addresses.count * 3 { return .unavailable }
            usleep(failuresInARow >= endpoints.addresses.count ? 1_000_000 : 100_000)
        }
    }
}

/// `["change", slot, event, key, value-or-nil]` as one line.
private func printChange(_ frame: RESPValue) {
    guard case .array(let items?) = frame, items.count == 5, case .integer(let slot) = items[1],
          case .bulk(let event?) = items[2], case .bulk(let key?) = items[3] else { return }
    var line = Array("\(slot) ".utf8) + event + [UInt8(ascii: " ")] + key
    if case .bulk(let value?) = items[4] { line += [UInt8(ascii: " ")] + value }
    Output.bytes(line + [UInt8(ascii: "\n")])
}
