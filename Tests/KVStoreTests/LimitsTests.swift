import Testing
@testable import KVStore

@Suite("limits")
struct LimitsTests {
    let limits = KVLimits(keyBytesMax: 4, valueBytesMax: 8)
    let longKey = [UInt8](repeating: 1, count: 5)
    let longValue = [UInt8](repeating: 1, count: 9)

    @Test("defaults are 64 KiB keys and 1 MiB values")
    func defaults() {
        #expect(KVLimits().keyBytesMax == 65_536)
        #expect(KVLimits().valueBytesMax == 1_048_576)
    }

    @Test("commands within the limits pass, exactly at the limit included")
    func within() {
        #expect(limits.validate(.set([1, 2, 3, 4], [UInt8](repeating: 0, count: 8), condition: .none)) == nil)
        #expect(limits.validate(.dbsize) == nil)
        #expect(limits.validate(.scan(cursor: 0, match: nil, count: 10)) == nil)
    }

    @Test("an over-limit key, value, pattern or client id anywhere is an error")
    func over() {
        let bad: [KVCommand] = [
            .set(longKey, [], condition: .none), .set([], longValue, condition: .nx),
            .del([[], longKey]), .mget([longKey]), .exists([longKey]), .get(longKey), .incrBy(longKey, 1),
            .mset([([], []), ([], longValue)]), .cas([], longValue, []), .cas([], [], longValue),
            .multi([.dbsize, .set(longKey, [], condition: .none)]),
            .rid(clientID: longKey, seq: 1, .dbsize), .rid(clientID: [], seq: 1, .get(longKey)),
            .keys(longKey), .scan(cursor: 0, match: longKey, count: 10),
        ]
        for command in bad {
            let reply = limits.validate(command)
            #expect(reply?.isError == true, "\(command)")
        }
    }
}
