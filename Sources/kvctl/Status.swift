import Client
import Config
import Wire

/// `kvctl status`: INFO paxos from every node, one at a time, each with a
/// short timeout so a paused node does not hold up the table. Exit 0 when
/// some node leads, 3 when none does (scripts wait on that).
func runStatus(_ endpoints: KvctlEndpoints, timeoutSeconds: Double) -> KvctlExitCode {
    let perNode = min(timeoutSeconds, 1)
    let rows = endpoints.nodes.map { node in
        switch fetchInfo(node.address, password: endpoints.password, timeoutSeconds: perNode) {
        case .success(let info): KvctlNodeStatus(configuredID: node.id, address: node.address, info: info, problem: nil)
        case .failure(let why): KvctlNodeStatus(configuredID: node.id, address: node.address, info: nil, problem: why.text)
        }
    }
    Output.text(StatusTable.render(rows))
    return rows.contains { $0.info?.isLeader == true } ? .ok : .unavailable
}

private struct Problem: Error {
    var text: String
}

private func fetchInfo(_ address: HostPort, password: String?, timeoutSeconds: Double) -> Result<InfoPaxos, Problem> {
    do throws(RESPClientError) {
        let client = try RESPClient(host: address.host, port: address.port, timeoutSeconds: timeoutSeconds)
        defer { client.close() }
        if let password { _ = try client.call([Array("AUTH".utf8), Array(password.utf8)]) }
        switch try client.call("INFO", "paxos") {
        case .bulk(let text?): return .success(InfoPaxos(parsing: String(decoding: text, as: UTF8.self)))
        case .verbatim(_, let text): return .success(InfoPaxos(parsing: String(decoding: text, as: UTF8.self)))
        case .error(let message): return .failure(Problem(text: message))
        case let other: return .failure(Problem(text: "unexpected reply \(other)"))
        }
    } catch {
        return .failure(Problem(text: shortReason(error)))
    }
}

/// "connection refused" rather than the whole errno sentence, to keep rows short.
private func shortReason(_ error: RESPClientError) -> String {
    switch error {
    case .connectFailed(_, let io): String(cString: strerrorText(io.errnoCode)).lowercased()
    case .timedOut: "no answer in time: paused or overloaded?"
    case .closed: "closed the connection"
    case .protocolError(_, let why): why
    case .io(_, let io): io.description
    }
}
