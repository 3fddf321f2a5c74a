import Client
import Wire

/// `kvctl member list|add|remove` (MEMBERS, MEMBER ADD, MEMBER REMOVE).
func runMember(_ command: KvctlCommand, _ client: KvctlClient) throws(KvctlFailure) -> KvctlExitCode {
    switch command {
    case .memberList:
        let reply = try client.read([bytes("MEMBERS")])
        guard case .array(let rows?) = reply else { throw unexpected(reply) }
        var table = [["ID", "PEER", "CLIENT", "STATE", "UP"]]
        for row in rows {
            guard case .array(let f?) = row, f.count == 5, case .integer(let id) = f[0], case .bulk(let peer?) = f[1],
                  case .bulk(let clientAddress?) = f[2], case .bulk(let state?) = f[3], case .integer(let up) = f[4]
            else { throw unexpected(reply) }
            table.append(["\(id)", Output.printable(peer), Output.printable(clientAddress), Output.printable(state), up == 1 ? "yes" : "no"])
        }
        Output.text(TextTable.lines(table).joined(separator: "\n") + "\n")
        return .ok
    case .memberAdd(let id, let peer, let clientAddress):
        let reply = try client.memberChange([bytes("MEMBER"), bytes("ADD"), bytes("\(id)"), bytes("\(peer)"), bytes("\(clientAddress)")])
        guard case .simpleString("OK") = reply else { throw unexpected(reply) }
        Output.text("OK: node \(id) added; it votes once it has caught up\n")
        return .ok
    case .memberRemove(let id):
        let reply = try client.memberChange([bytes("MEMBER"), bytes("REMOVE"), bytes("\(id)")])
        guard case .simpleString("OK") = reply else { throw unexpected(reply) }
        Output.text("OK: node \(id) removed\n")
        return .ok
    default:
        preconditionFailure("not a member command: \(command)")
    }
}
