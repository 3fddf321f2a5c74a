import Config
import PaxosCore
import Testing
import Wire
@testable import ClientPort

/// MEMBERS and MEMBER ADD/REMOVE (MemberCommands.swift): routing, errors,
/// the address encoding that rides in the log, and the replies.
@Suite("ClientPort: MEMBERS and MEMBER ADD/REMOVE")
struct MemberCommandTests {
    let peer = HostPort(host: "127.0.0.1", port: 7104)
    let client = HostPort(host: "127.0.0.1", port: 6404)

    // MARK: MEMBERS

    @Test("MEMBERS, in any case, is answered by the node")
    func members() {
        let h = RouterHarness()
        #expect(h.send("MEMBERS") == .members)
        #expect(h.send("members") == .members)
        #expect(h.send("MeMbErS") == .members)
    }

    @Test("MEMBERS takes no arguments")
    func membersArity() {
        let h = RouterHarness()
        #expect(h.error("MEMBERS", "x") == "ERR wrong number of arguments for 'members' command")
        #expect(h.error("MEMBERS", "x", "y") == "ERR wrong number of arguments for 'members' command")
    }

    // MARK: MEMBER ADD / REMOVE

    @Test("MEMBER ADD id peer client goes through the log with both addresses")
    func add() {
        let h = RouterHarness()
        let expected = MemberChange(kind: .add, node: 4, address: MemberAddress.encode(peer: peer, client: client))
        #expect(h.send("MEMBER", "ADD", "4", "127.0.0.1:7104", "127.0.0.1:6404") == .memberChange(expected))
        // The address is the documented `PEER|CLIENT` text.
        #expect(expected.address == b("127.0.0.1:7104|127.0.0.1:6404"))
    }

    @Test("the MEMBER ADD payload round-trips through MemberChange(payload:)")
    func addPayloadRoundTrips() throws {
        let h = RouterHarness()
        guard case .memberChange(let change) = h.send("MEMBER", "ADD", "255", "[::1]:7104", "node-4.example:6404") else {
            Issue.record("not a member change")
            return
        }
        #expect(change.kind == .add && change.node == 255)
        let decoded = try #require(MemberChange(payload: change.payload))
        #expect(decoded == change)
        let addresses = try #require(MemberAddress.decode(decoded.address))
        #expect(addresses.peer == HostPort(host: "::1", port: 7104))
        #expect(addresses.client == HostPort(host: "node-4.example", port: 6404))
    }

    @Test("the command and its subcommands match ignoring ASCII case", arguments: [
        ["MEMBER", "ADD", "REMOVE"], ["member", "add", "remove"], ["Member", "Add", "Remove"], ["mEmBeR", "aDd", "rEmOvE"],
    ])
    func caseInsensitive(spelling: [String]) {
        let (command, add, remove) = (spelling[0], spelling[1], spelling[2])
        let h = RouterHarness()
        let expected = MemberChange(kind: .add, node: 4, address: MemberAddress.encode(peer: peer, client: client))
        #expect(h.send(command, add, "4", "127.0.0.1:7104", "127.0.0.1:6404") == .memberChange(expected))
        #expect(h.send(command, remove, "4") == .memberChange(MemberChange(kind: .remove, node: 4)))
    }

    @Test("MEMBER REMOVE id goes through the log without an address")
    func remove() {
        let h = RouterHarness()
        let expected = MemberChange(kind: .remove, node: 2)
        #expect(h.send("MEMBER", "REMOVE", "2") == .memberChange(expected))
        #expect(expected.address.isEmpty)
        #expect(MemberChange(payload: expected.payload) == expected)
    }

    @Test("a node id outside 1...255 or not an integer is refused", arguments: ["0", "256", "x", "-1", "4.0", "", "1000000000000000000000"])
    func badID(id: String) {
        let h = RouterHarness()
        let expected = "ERR node id must be an integer 1...255, got '\(id)'"
        #expect(h.error("MEMBER", "ADD", id, "127.0.0.1:7104", "127.0.0.1:6404") == expected)
        #expect(h.error("MEMBER", "REMOVE", id) == expected)
    }

    @Test("the id bounds themselves are accepted")
    func idBounds() {
        let h = RouterHarness()
        #expect(h.send("MEMBER", "REMOVE", "1") == .memberChange(MemberChange(kind: .remove, node: 1)))
        #expect(h.send("MEMBER", "REMOVE", "255") == .memberChange(MemberChange(kind: .remove, node: 255)))
    }

    @Test("a bad peer or client address is refused with the parser's reason")
    func badAddress() {
        let h = RouterHarness()
        #expect(h.error("MEMBER", "ADD", "4", "nohost", "127.0.0.1:6404")
            == "ERR bad peer address 'nohost': expected HOST:PORT")
        #expect(h.error("MEMBER", "ADD", "4", "127.0.0.1:7104", "1.2.3.4:99999")
            == "ERR bad client address '1.2.3.4:99999': port must be 1...65535, got '99999'")
        #expect(h.error("MEMBER", "ADD", "4", "1.2.3.4:0", "127.0.0.1:6404")
            == "ERR bad peer address '1.2.3.4:0': port must be 1...65535, got '0'")
        #expect(h.error("MEMBER", "ADD", "4", "127.0.0.1:7104", "::1:6404")
            == "ERR bad client address '::1:6404': an IPv6 host must be in brackets: [::1]:PORT")
        // An address with '|' would not survive PEER|CLIENT: the host parser refuses it.
        #expect(h.error("MEMBER", "ADD", "4", "a|b:1", "127.0.0.1:6404")?.hasPrefix("ERR bad peer address 'a|b:1'") == true)
    }

    @Test("a peer or client address that is not UTF-8 is refused")
    func nonUTF8Address() {
        let h = RouterHarness()
        let bad: [UInt8] = [0xFF, 0xFE, 0x3A, 0x31]
        func send(_ peer: [UInt8], _ client: [UInt8]) -> RouteDecision {
            h.sendArgs([b("MEMBER"), b("ADD"), b("4"), peer, client])
        }
        #expect(send(bad, b("127.0.0.1:6404")) == .reply(.error("ERR peer address is not UTF-8")))
        #expect(send(b("127.0.0.1:7104"), bad) == .reply(.error("ERR client address is not UTF-8")))
    }

    @Test("MEMBER ADD takes exactly id, peer and client; MEMBER REMOVE exactly an id")
    func subcommandArity() {
        let h = RouterHarness()
        let add = "ERR wrong number of arguments for 'member|add' command"
        let remove = "ERR wrong number of arguments for 'member|remove' command"
        #expect(h.error("MEMBER", "ADD", "4") == add)
        #expect(h.error("MEMBER", "ADD", "4", "127.0.0.1:7104") == add)
        #expect(h.error("MEMBER", "ADD", "4", "127.0.0.1:7104", "127.0.0.1:6404", "extra") == add)
        #expect(h.error("MEMBER", "REMOVE", "2", "3") == remove)
        #expect(h.error("MEMBER", "ADD") == add)
        #expect(h.error("MEMBER", "REMOVE") == remove)
    }

    @Test("MEMBER alone is an arity error")
    func memberAlone() {
        let h = RouterHarness()
        #expect(h.error("MEMBER") == "ERR wrong number of arguments for 'member' command")
    }

    @Test("an unknown MEMBER subcommand is refused as Redis does")
    func unknownSubcommand() {
        let h = RouterHarness()
        #expect(h.error("MEMBER", "FOO", "1") == "ERR unknown subcommand 'FOO'. Try MEMBER HELP.")
        #expect(h.error("MEMBER", "LIST", "x") == "ERR unknown subcommand 'LIST'. Try MEMBER HELP.")
        #expect(h.error("MEMBER", "ADDX", "4", "127.0.0.1:7104", "127.0.0.1:6404") == "ERR unknown subcommand 'ADDX'. Try MEMBER HELP.")
        #expect(h.error("MEMBER", "FOO") == "ERR unknown subcommand 'FOO'. Try MEMBER HELP.")
    }

    @Test("membership commands are refused inside MULTI and doom the transaction", arguments: [
        ["MEMBER", "ADD", "4", "127.0.0.1:7104", "127.0.0.1:6404"],
        ["MEMBER", "REMOVE", "2"],
        ["MEMBERS"],
    ])
    func insideMulti(words: [String]) {
        let h = RouterHarness()
        #expect(h.send("MULTI") == .reply(.simpleString("OK")))
        #expect(h.send("SET", "a", "1") == .reply(.simpleString("QUEUED")))
        let name = words[0].lowercased()
        #expect(h.sendArgs(words.map { b($0) }) == .reply(.error("ERR '\(name)' is not supported inside MULTI")))
        #expect(h.session.multiFailed)
        #expect(h.session.multiQueue?.count == 1, "nothing was queued")
        #expect(h.send("EXEC") == .reply(.error("EXECABORT Transaction discarded because of previous errors.")))
        // Outside MULTI again, the same command routes normally.
        #expect(h.sendArgs(words.map { b($0) }) != .reply(.error("ERR '\(name)' is not supported inside MULTI")))
    }

    @Test("a MEMBER with bad arity inside MULTI also dooms the transaction")
    func badMemberInsideMulti() {
        let h = RouterHarness()
        _ = h.send("MULTI")
        #expect(h.error("MEMBER") == "ERR wrong number of arguments for 'member' command")
        #expect(h.session.multiFailed)
        #expect(h.send("EXEC") == .reply(.error("EXECABORT Transaction discarded because of previous errors.")))
    }

    @Test("MEMBER needs AUTH when the cluster has a password")
    func needsAuth() {
        let h = RouterHarness(CommandRouter(password: b("secret")))
        #expect(h.error("MEMBER", "REMOVE", "2") == "NOAUTH Authentication required.")
        #expect(h.error("MEMBERS") == "NOAUTH Authentication required.")
        _ = h.send("AUTH", "secret")
        #expect(h.send("MEMBER", "REMOVE", "2") == .memberChange(MemberChange(kind: .remove, node: 2)))
        #expect(h.send("MEMBERS") == .members)
    }

    // MARK: MemberAddress

    @Test("MemberAddress.decode inverts encode", arguments: [
        (HostPort(host: "127.0.0.1", port: 7104), HostPort(host: "127.0.0.1", port: 6404)),
        (HostPort(host: "::1", port: 1), HostPort(host: "fe80::1%eth0", port: 65_535)),
        (HostPort(host: "node-4.example", port: 7104), HostPort(host: "localhost", port: 6404)),
    ])
    func addressRoundTrip(peer: HostPort, client: HostPort) throws {
        let decoded = try #require(MemberAddress.decode(MemberAddress.encode(peer: peer, client: client)))
        #expect(decoded.peer == peer)
        #expect(decoded.client == client)
    }

    @Test("MemberAddress.decode is nil for bytes that are not two addresses", arguments: [
        b(""), b("garbage"), b("127.0.0.1:7104"), b("|"), b("127.0.0.1:7104|"), b("|127.0.0.1:6404"),
        b("127.0.0.1:7104|nohost"), b("nohost|127.0.0.1:6404"), b("a:1|b:2|c:3"), b("127.0.0.1:7104|1.2.3.4:99999"),
        [0xFF, 0x7C, 0x61, 0x3A, 0x31], b("a:1|") + [0xC3] + b(":2"),
    ])
    func addressDecodeRefuses(bytes: [UInt8]) {
        #expect(MemberAddress.decode(bytes) == nil)
    }

    // MARK: Replies

    @Test("an applied change renders +OK")
    func renderOK() {
        let router = CommandRouter()
        let value = router.renderMemberChange(.result([]))
        #expect(value == .simpleString("OK"))
        #expect(wire(value, .resp2) == "+OK\r\n")
    }

    @Test("the core's refusal renders as an error with its text")
    func renderRefusal() {
        let router = CommandRouter()
        let value = router.renderMemberChange(.result(Array("ERR node 4 is already a member".utf8)))
        #expect(value == .error("ERR node 4 is already a member"))
        #expect(wire(value, .resp2) == "-ERR node 4 is already a member\r\n")
    }

    @Test("no quorum and timeout render -NOQUORUM and -TIMEOUT with the core's message")
    func renderFailures() {
        let router = CommandRouter()
        let noQuorum = router.renderMemberChange(.noQuorum("no leader reachable"))
        #expect(noQuorum == .error("NOQUORUM no leader reachable"))
        guard case .error(let text) = noQuorum else { Issue.record("not an error"); return }
        #expect(text.hasPrefix("NOQUORUM "))
        let timeout = router.renderMemberChange(.timeout("outcome unknown after 5000 ms"))
        #expect(timeout == .error("TIMEOUT outcome unknown after 5000 ms"))
        #expect(wire(timeout, .resp3) == "-TIMEOUT outcome unknown after 5000 ms\r\n")
    }

    @Test("MEMBERS rows are [id, peer, client, state, up] with integer id and up")
    func membersReply() {
        let router = CommandRouter()
        let rows = [
            MemberRow(id: 1, peer: "127.0.0.1:7101", client: "127.0.0.1:6401", state: .voter, isUp: true),
            MemberRow(id: 4, peer: "[::1]:7104", client: "[::1]:6404", state: .joining, isUp: false),
            MemberRow(id: 255, peer: "h:1", client: "h:2", state: .learner, isUp: true),
        ]
        let value = router.membersReply(rows)
        #expect(value == .array([
            .array([.integer(1), .bulk(b("127.0.0.1:7101")), .bulk(b("127.0.0.1:6401")), .bulk(b("voter")), .integer(1)]),
            .array([.integer(4), .bulk(b("[::1]:7104")), .bulk(b("[::1]:6404")), .bulk(b("joining")), .integer(0)]),
            .array([.integer(255), .bulk(b("h:1")), .bulk(b("h:2")), .bulk(b("learner")), .integer(1)]),
        ]))
        #expect(wire(router.membersReply([rows[1]]), .resp2)
            == "*1\r\n*5\r\n:4\r\n$10\r\n[::1]:7104\r\n$10\r\n[::1]:6404\r\n$7\r\njoining\r\n:0\r\n")
        #expect(router.membersReply([]) == .array([]))
    }
}
