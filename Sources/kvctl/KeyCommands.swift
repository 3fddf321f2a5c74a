import Client
import Wire

/// get, put, del, cas, incr.
func runKeyCommand(_ command: KvctlCommand, _ client: KvctlClient) throws(KvctlFailure) -> KvctlExitCode {
    switch command {
    case .get(let key):
        let reply = try client.read([bytes("GET"), key])
        switch reply {
        case .bulk(let value?):
            Output.bytes(value + [UInt8(ascii: "\n")])
            return .ok
        case .bulk(nil), .null:
            Output.error("kvctl: not found: \(Output.printable(key))")
            return .notFound
        default:
            throw unexpected(reply)
        }
    case .put(let key, let source):
        let value: [UInt8]
        switch source {
        case .bytes(let given): value = given
        case .stdin: value = try Output.readStdin()
        }
        let reply = try client.write([bytes("SET"), key, value])
        guard case .simpleString("OK") = reply else { throw unexpected(reply) }
        Output.text("OK\n")
        return .ok
    case .del(let key):
        let reply = try client.write([bytes("DEL"), key])
        guard case .integer(let n) = reply else { throw unexpected(reply) }
        Output.text("\(n)\n")
        return .ok
    case .cas(let key, let expected, let new):
        let reply = try client.write([bytes("CAS"), key, expected, new])
        switch reply {
        case .integer(1):
            Output.text("OK\n")
            return .ok
        case .integer(0):
            Output.error("kvctl: cas: \(Output.printable(key)) does not hold the expected value; nothing written")
            return .notFound
        default:
            throw unexpected(reply)
        }
    case .incr(let key, let by):
        let reply = try client.write([bytes("INCRBY"), key, bytes(String(by))])
        guard case .integer(let n) = reply else { throw unexpected(reply) }
        Output.text("\(n)\n")
        return .ok
    case .status, .bench, .snapshotSave, .memberList, .memberAdd, .memberRemove, .help, .watch, .traceRender:
        preconditionFailure("not a key command: \(command)")
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

func unexpected(_ reply: RESPValue) -> KvctlFailure {
    KvctlFailure(.usage, "unexpected reply from the server: \(reply)")
}
