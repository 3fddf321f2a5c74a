import KVStore
import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: RID")
struct RIDTests {
    @Test("RID wraps the inner write with client id and sequence number")
    func wrapsWrites() {
        let h = RouterHarness()
        #expect(h.send("RID", "c-1", "5", "SET", "k", "v") == .write(.rid(clientID: b("c-1"), seq: 5, .set(b("k"), b("v"), condition: .none))))
        #expect(h.send("rid", "c-1", "6", "incrby", "n", "3") == .write(.rid(clientID: b("c-1"), seq: 6, .incrBy(b("n"), 3))))
        #expect(h.send("RID", "c-1", "18446744073709551615", "DEL", "k")
            == .write(.rid(clientID: b("c-1"), seq: .max, .del([b("k")]))))
    }

    @Test("RID around a read routes the plain read")
    func readsUnwrapped() {
        let h = RouterHarness()
        #expect(h.send("RID", "c", "1", "GET", "k") == .read(.get(b("k"))))
        _ = h.send("READONLY")
        #expect(h.send("RID", "c", "2", "GET", "k") == .localRead(.get(b("k"))))
    }

    @Test("bad sequence numbers, empty ids, bad inner commands and nested RID are refused")
    func refusals() {
        let h = RouterHarness()
        #expect(h.error("RID", "c", "0", "SET", "k", "v") == "ERR RID sequence number must be an integer of at least 1")
        #expect(h.error("RID", "c", "-1", "SET", "k", "v") == "ERR RID sequence number must be an integer of at least 1")
        #expect(h.error("RID", "", "1", "SET", "k", "v") == "ERR RID client id must not be empty")
        #expect(h.error("RID", "c", "1", "SET", "k") == "ERR wrong number of arguments for 'set' command")
        #expect(h.error("RID", "c", "1", "NOPE", "k") == "ERR unknown command 'NOPE', with args beginning with: 'k' ")
        #expect(h.error("RID", "c", "1", "RID", "d", "1", "SET", "k", "v") == "ERR RID cannot wrap 'rid'")
        #expect(h.error("RID", "c", "1", "PING") == "ERR RID cannot wrap 'ping'")
        #expect(h.error("RID", "c", "1", "MULTI") == "ERR RID cannot wrap 'multi'")
    }

    @Test("limits apply to the client id and to the inner command")
    func limits() {
        let h = RouterHarness(CommandRouter(limits: KVLimits(keyBytesMax: 3, valueBytesMax: 3)))
        #expect(h.error("RID", "long", "1", "SET", "k", "v") == "ERR client id is too long (4 bytes, limit 3)")
        #expect(h.error("RID", "c", "1", "SET", "k", "vvvv") == "ERR value is too large (4 bytes, limit 3)")
    }
}
