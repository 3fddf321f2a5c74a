import Testing
@testable import KVStore

/// Decoders meet bytes from disks and peers: they must throw, never trap.
@Suite("garbage input")
struct GarbageInputTests {
    static func randomBytes(_ rng: inout SeededRandom, maxCount: Int) -> [UInt8] {
        (0..<Int.random(in: 0...maxCount, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// Valid encodings, each cut at every length and with random bytes flipped.
    static func mangled(_ valid: [UInt8], _ rng: inout SeededRandom) -> [[UInt8]] {
        var out = (0..<valid.count).map { Array(valid[..<$0]) }
        for _ in 0..<50 where !valid.isEmpty {
            var copy = valid
            copy[Int.random(in: 0..<copy.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            out.append(copy)
        }
        return out
    }

    @Test("random bytes, truncations and flips never trap the command decoder or apply")
    func commands() {
        var rng = SeededRandom(seed: 1)
        var inputs = (0..<2_000).map { _ in Self.randomBytes(&rng, maxCount: 40) }
        for command in CodecTests.commands {
            let encoded = command.encoded()
            inputs += Self.mangled(encoded, &rng)
            #expect(throws: (any Error).self) { try KVCommand(decoding: Array(encoded.dropLast())) }
        }
        var kv = KVStateMachine()
        for input in inputs {
            _ = try? KVCommand(decoding: input)
            let reply = kv.apply(input, logTimeMs: 1)
            #expect((try? KVReply(decoding: reply)) != nil)
            _ = kv.query(input)
        }
    }

    @Test("random bytes, truncations and flips never trap the reply decoder")
    func replies() {
        var rng = SeededRandom(seed: 2)
        var inputs = (0..<2_000).map { _ in Self.randomBytes(&rng, maxCount: 40) }
        for reply in CodecTests.replies { inputs += Self.mangled(reply.encoded(), &rng) }
        for input in inputs { _ = try? KVReply(decoding: input) }
    }

    @Test("restore throws on random bytes, truncations and flips, never traps")
    func snapshots() {
        var rng = SeededRandom(seed: 3)
        var kv = KVStateMachine(maxSessions: 1)
        for i in 0..<20 { _ = kv.run(.set(b("k\(i)"), b("v\(i)"), condition: .none), at: 5) }
        _ = kv.run(.rid(clientID: b("c"), seq: 1, .dbsize), at: 5)
        _ = kv.run(.rid(clientID: b("d"), seq: 1, .dbsize), at: 6)  // evicts c: a tombstone
        #expect(kv.forgottenSessionCount == 1)
        let good = kv.snapshot()
        var target = KVStateMachine(maxSessions: 1)
        for cut in 0..<good.count {
            #expect(throws: (any Error).self) { try target.restore(from: Array(good[..<cut])) }
        }
        for input in (0..<1_000).map({ _ in Self.randomBytes(&rng, maxCount: 64) }) + Self.mangled(good, &rng) {
            _ = try? target.restore(from: input)
        }
        // Magic and version present, huge counts: refused without allocating them.
        let hugeKeys = KVStateMachine.snapshotMagic + [1, 0, 0, 0] + [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0xFF, count: 8)
        #expect(throws: (any Error).self) { try target.restore(from: hugeKeys) }
    }
}
