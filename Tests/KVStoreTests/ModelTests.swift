import Testing
@testable import KVStore

@Suite("against a dictionary model")
struct ModelTests {
    @Test("random writes, scans and snapshot round trips agree with a plain dictionary", arguments: [11, 12])
    func randomOperations(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var kv = KVStateMachine()
        var model: [[UInt8]: [UInt8]] = [:]
        for step in 0..<6_000 {
            let key = b("k\(Int.random(in: 0..<3_000, using: &rng))")
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<6:
                let value = b("v\(step)")
                _ = kv.run(.set(key, value, condition: .none))
                model[key] = value
            case 6..<8:
                let existed = model.removeValue(forKey: key) != nil
                #expect(kv.run(.del([key])) == .integer(existed ? 1 : 0))
            default:
                #expect(kv.ask(.get(key)) == (model[key].map { .bulk($0) } ?? .nil))
            }
            if step % 2_000 == 1_999 {
                #expect(kv.contents == model)
                #expect(Set(kv.fullScan(count: 50)) == Set(model.keys))
                var copy = KVStateMachine()
                try copy.restore(from: kv.snapshot())
                kv = copy
            }
        }
        #expect(kv.ask(.dbsize) == .integer(Int64(model.count)))
    }
}
