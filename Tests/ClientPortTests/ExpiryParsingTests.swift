import Testing
@testable import ClientPort
import KVStore

@Suite("expiry commands: parsing and Redis's errors")
struct ExpiryParsingTests {
    let h = RouterHarness()

    func setWith(_ options: SetOptions) -> RouteDecision { .write(.setWith(b("k"), b("v"), options)) }

    @Test("SET's EX|PX|EXAT|PXAT|KEEPTTL|GET in any order and case; a repeated option: the last wins")
    func setOptions() {
        #expect(h.send("SET", "k", "v", "EX", "10") == setWith(SetOptions(expiry: .after(ms: 10_000))))
        #expect(h.send("SET", "k", "v", "px", "10") == setWith(SetOptions(expiry: .after(ms: 10))))
        #expect(h.send("SET", "k", "v", "EXAT", "10") == setWith(SetOptions(expiry: .at(ms: 10_000))))
        #expect(h.send("SET", "k", "v", "PXAT", "10") == setWith(SetOptions(expiry: .at(ms: 10))))
        #expect(h.send("SET", "k", "v", "get", "NX", "PX", "5") == setWith(SetOptions(condition: .nx, expiry: .after(ms: 5), returnsOld: true)))
        #expect(h.send("SET", "k", "v", "XX", "GET") == setWith(SetOptions(condition: .xx, returnsOld: true)))
        #expect(h.send("SET", "k", "v", "EX", "1", "EX", "2") == setWith(SetOptions(expiry: .after(ms: 2_000))))
    }

    @Test("SET refuses two kinds of time, KEEPTTL with a time, a missing time, and bad times with Redis's texts")
    func setErrors() {
        #expect(h.error("SET", "k", "v", "EX", "1", "PX", "1") == "ERR syntax error")
        #expect(h.error("SET", "k", "v", "EX", "1", "KEEPTTL") == "ERR syntax error")
        #expect(h.error("SET", "k", "v", "KEEPTTL", "PXAT", "1") == "ERR syntax error")
        #expect(h.error("SET", "k", "v", "EX") == "ERR syntax error")
        #expect(h.error("SET", "k", "v", "EX", "ten") == "ERR value is not an integer or out of range")
        #expect(h.error("SET", "k", "v", "EX", "0") == "ERR invalid expire time in 'set' command")
        #expect(h.error("SET", "k", "v", "PX", "-1") == "ERR invalid expire time in 'set' command")
        #expect(h.error("SET", "k", "v", "EX", "9223372036854775") == "ERR invalid expire time in 'set' command")
        #expect(h.error("SET", "k", "v", "PX", "9223372036854770000") == "ERR invalid expire time in 'set' command")
    }

    @Test("SETEX and PSETEX are SET with EX and PX; their errors name them")
    func setEx() {
        #expect(h.send("SETEX", "k", "10", "v") == setWith(SetOptions(expiry: .after(ms: 10_000))))
        #expect(h.send("PSETEX", "k", "10", "v") == setWith(SetOptions(expiry: .after(ms: 10))))
        #expect(h.error("SETEX", "k", "0", "v") == "ERR invalid expire time in 'setex' command")
        #expect(h.error("PSETEX", "k", "-3", "v") == "ERR invalid expire time in 'psetex' command")
        #expect(h.error("SETEX", "k", "v") == "ERR wrong number of arguments for 'setex' command")
    }

    @Test("GETEX: no option keeps the deadline, PERSIST clears it; PERSIST with a time is a syntax error")
    func getEx() {
        #expect(h.send("GETEX", "k") == .write(.getEx(b("k"), .keep)))
        #expect(h.send("GETEX", "k", "persist") == .write(.getEx(b("k"), .clear)))
        #expect(h.send("GETEX", "k", "PXAT", "77") == .write(.getEx(b("k"), .at(ms: 77))))
        #expect(h.error("GETEX", "k", "PERSIST", "EX", "1") == "ERR syntax error")
        #expect(h.error("GETEX", "k", "EX", "1", "PERSIST") == "ERR syntax error")
        #expect(h.error("GETEX", "k", "KEEPTTL") == "ERR syntax error")
        #expect(h.error("GETEX", "k", "EX", "0") == "ERR invalid expire time in 'getex' command")
    }

    @Test("EXPIRE family: units, conditions, and Redis's option and overflow errors (options checked first)")
    func expire() {
        #expect(h.send("EXPIRE", "k", "10") == .write(.expire(b("k"), .after(ms: 10_000), [])))
        #expect(h.send("PEXPIRE", "k", "-10", "xx", "GT") == .write(.expire(b("k"), .after(ms: -10), [.xx, .gt])))
        #expect(h.send("EXPIREAT", "k", "10", "NX") == .write(.expire(b("k"), .at(ms: 10_000), .nx)))
        #expect(h.send("PEXPIREAT", "k", "10", "lt") == .write(.expire(b("k"), .at(ms: 10), .lt)))
        #expect(h.error("EXPIRE", "k", "10", "NX", "XX") == "ERR NX and XX, GT or LT options at the same time are not compatible")
        #expect(h.error("EXPIRE", "k", "10", "GT", "NX") == "ERR NX and XX, GT or LT options at the same time are not compatible")
        #expect(h.error("EXPIRE", "k", "10", "GT", "LT") == "ERR GT and LT options at the same time are not compatible")
        #expect(h.error("EXPIRE", "k", "ten", "FOO") == "ERR Unsupported option FOO")
        #expect(h.error("EXPIRE", "k", "ten") == "ERR value is not an integer or out of range")
        #expect(h.error("EXPIRE", "k", "9223370399119966") == "ERR invalid expire time in 'expire' command")
        #expect(h.error("PEXPIRE", "k", "9223372036854770000") == "ERR invalid expire time in 'pexpire' command")
        #expect(h.error("EXPIREAT", "k", "-9223372036854775808") == "ERR invalid expire time in 'expireat' command")
        #expect(h.send("PEXPIREAT", "k", "9223372036854770000") == .write(.expire(b("k"), .at(ms: 9_223_372_036_854_770_000), [])))
        #expect(h.error("EXPIRE", "k") == "ERR wrong number of arguments for 'expire' command")
    }

    @Test("TTL and PTTL go through the log (they count down with log time); EXPIRETIME is a read; PERSIST a write")
    func ttlRouting() {
        #expect(h.send("TTL", "k") == .write(.ttl(b("k"), inMs: false)))
        #expect(h.send("PTTL", "k") == .write(.ttl(b("k"), inMs: true)))
        #expect(h.send("EXPIRETIME", "k") == .read(.expireTime(b("k"), inMs: false)))
        #expect(h.send("PEXPIRETIME", "k") == .read(.expireTime(b("k"), inMs: true)))
        #expect(h.send("PERSIST", "k") == .write(.persist(b("k"))))
        #expect(h.error("TTL", "k", "x") == "ERR wrong number of arguments for 'ttl' command")
    }
}
