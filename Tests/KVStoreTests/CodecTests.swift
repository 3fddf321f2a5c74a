import Testing
import PaxosCore
@testable import KVStore

@Suite("command and reply codecs")
struct CodecTests {
    static let commands: [KVCommand] = [
        .set(b("k"), b("v"), condition: .none),
        .set([], [0, 255], condition: .nx),
        .set(b("k"), [], condition: .xx),
        .del([]),
        .del([b("a"), [], b("c")]),
        .mset([(b("a"), b("1")), ([], [])]),
        .incrBy(b("n"), .min),
        .incrBy(b("n"), .max),
        .incrBy(b("n"), -1),
        .cas(b("k"), b("old"), b("new")),
        .multi([]),
        .multi([.set(b("k"), b("v"), condition: .none), .get(b("k")), .incrBy(b("n"), 2)]),
        .rid(clientID: b("client"), seq: 1, .set(b("k"), b("v"), condition: .none)),
        .rid(clientID: [], seq: .max, .multi([.del([b("x")]), .dbsize])),
        .get(b("k")),
        .mget([b("a"), b("b")]),
        .exists([b("a"), b("a")]),
        .dbsize,
        .keys(b("user:*")),
        .scan(cursor: 0, match: nil, count: 10),
        .scan(cursor: .max, match: b("a[bc]?"), count: Int.max),
        .scan(cursor: 12345, match: [], count: 1),
    ]

    static let replies: [KVReply] = [
        .ok, .nil, .integer(0), .integer(.min), .integer(.max), .bulk([]), .bulk([0, 13, 10, 255]),
        .array([]), .array([.bulk(b("12")), .array([.bulk(b("k")), .nil])]),
        .error(code: "ERR", message: "syntax error"),
        .error(code: "SESSIONEXPIRED", message: "session expired or unknown; start a new client id"),
        .error(code: "", message: ""),
    ]

    @Test("every command survives encode then decode", arguments: commands.indices)
    func commandRoundTrip(index: Int) throws {
        let command = Self.commands[index]
        let bytes = command.encoded()
        #expect(try KVCommand(decoding: bytes) == command)
        #expect(command.encoded() == bytes, "deterministic")
    }

    @Test("every reply survives encode then decode", arguments: replies.indices)
    func replyRoundTrip(index: Int) throws {
        let reply = Self.replies[index]
        #expect(try KVReply(decoding: reply.encoded()) == reply)
    }

    @Test("isReadOnly: reads and MULTIs of reads only")
    func readOnly() {
        #expect(KVCommand.get(b("k")).isReadOnly)
        #expect(KVCommand.scan(cursor: 0, match: nil, count: 10).isReadOnly)
        #expect(KVCommand.multi([.get(b("k")), .dbsize]).isReadOnly)
        #expect(!KVCommand.multi([.get(b("k")), .del([b("k")])]).isReadOnly)
        #expect(!KVCommand.rid(clientID: b("c"), seq: 1, .get(b("k"))).isReadOnly)
        #expect(!KVCommand.set(b("k"), b("v"), condition: .none).isReadOnly)
    }

    @Test("nesting beyond RID(MULTI(...)) is refused when decoding")
    func deepNesting() {
        let deep = KVCommand.rid(clientID: [], seq: 1, .multi([.multi([.dbsize])]))
        #expect(throws: DecodeError.self) { try KVCommand(decoding: deep.encoded()) }
        var reply = KVReply.nil
        for _ in 0..<20 { reply = .array([reply]) }
        #expect(throws: DecodeError.self) { try KVReply(decoding: reply.encoded()) }
    }

    @Test("a wrong SET condition, SCAN count 0 or trailing bytes are refused")
    func invalidFields() {
        var set = KVCommand.set(b("k"), b("v"), condition: .none).encoded()
        set[1] = 9
        #expect(throws: DecodeError.self) { try KVCommand(decoding: set) }
        var scan = KVCommand.scan(cursor: 0, match: nil, count: 1).encoded()
        scan[9] = 0
        #expect(throws: DecodeError.self) { try KVCommand(decoding: scan) }
        #expect(throws: DecodeError.self) { try KVCommand(decoding: KVCommand.dbsize.encoded() + [0]) }
        #expect(throws: DecodeError.self) { try KVReply(decoding: KVReply.ok.encoded() + [0]) }
    }
}
