// Random sequential executions, smeared into concurrent histories around
// their linearization points, must pass; one corrupted read must not.
import Checker
import PaxosCore
import Testing

/// The project's seeded generator, so every seed replays.
struct TestRandom {
    private var source: SplitMix64
    init(state: UInt64) { source = SplitMix64(seed: state) }
    mutating func next() -> UInt64 { source.next() }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum RandomHistory {
    static let keys = ["a", "b", "c"]

    /// Runs `count` random ops against a model; op i takes effect at 100*i and
    /// its interval spans up to 250 ns either side, so neighbours overlap.
    static func make(seed: UInt64, count: Int) -> [Operation] {
        var random = TestRandom(state: seed)
        var store: [String: String] = [:]
        var history: [Operation] = []
        for i in 0..<count {
            let point = Int64(100 * i)
            let invoke = point - Int64(random.below(250))
            let complete = point + Int64(random.below(250))
            let key = keys[random.below(keys.count)]
            let other = keys[random.below(keys.count)]
            let value = "v\(random.below(4))"
            let call: Call
            let reply: Reply
            switch random.below(8) {
            case 0:
                call = get(key)
                reply = .value(store[key].map(b))
            case 1:
                call = set(key, value)
                store[key] = value
                reply = .applied(true)
            case 2:
                call = set(key, value, .nx)
                let holds = store[key] == nil
                if holds { store[key] = value }
                reply = .applied(holds)
            case 3:
                let expected = "v\(random.below(4))"
                call = cas(key, expected, value)
                let matches = store[key] == expected
                if matches { store[key] = value }
                reply = .swapped(matches)
            case 4:
                call = mget(key, other)
                reply = .values([store[key].map(b), store[other].map(b)])
            case 5:
                call = mset((key, value), (other, "w"))
                store[key] = value
                store[other] = "w"
                reply = .ok
            case 6:
                call = del(key)
                reply = .count(store.removeValue(forKey: key) == nil ? 0 : 1)
            default:
                call = get(key)
                reply = .value(store[key].map(b))
            }
            // Some writes are reported unknown (they did take effect), and
            // some failed writes that never touched the store are mixed in.
            let outcome: Outcome = !call.isReadOnly && random.below(6) == 0 ? .unknown : .ok(reply)
            let end: Int64? = outcome == .unknown ? nil : complete
            history.append(op(random.below(5), invoke, end, call, outcome))
            if random.below(10) == 0 {
                history.append(op(9, invoke, complete, set(key, "failed"), .fail))
            }
        }
        return history
    }
}

@Suite struct RandomHistoryTests {
    /// Small enough that a regressed search fails fast instead of stalling the suite.
    let budget = Budget(maxStates: 200_000, maxDuration: .seconds(2))

    @Test("histories generated from a sequential run are linearizable", arguments: 0..<40)
    func generatedPass(seed: UInt64) {
        let history = RandomHistory.make(seed: seed, count: 60)
        #expect(Checker.check(history: history, budget: budget) == .linearizable, "seed \(seed)")
    }

    @Test("one read corrupted to a value never written is rejected", arguments: 0..<40)
    func corruptedReadRejected(seed: UInt64) {
        var history = RandomHistory.make(seed: seed, count: 60)
        let reads = history.indices.filter {
            if case .ok(.value) = history[$0].outcome { return true }
            return false
        }
        guard !reads.isEmpty else { return }
        var random = TestRandom(state: seed ^ 0xDEAD)
        history[reads[random.below(reads.count)]].outcome = read("corrupt")
        #expect(Checker.check(history: history, budget: budget).isNotLinearizable, "seed \(seed)")
    }
}
