import PaxosCore
import Testing
@testable import KVStore

@Suite("LastChangeTable: open addressing against a Dictionary")
struct LastChangeTableTests {
    @Test("random sets and removes, with hashes crowded into few home slots, agree with a Dictionary", arguments: [1, 2, 3])
    func model(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        var table = LastChangeTable()
        var model: [UInt64: UInt64] = [:]
        // Few distinct low bits: long probe runs that wrap around, so deletion's shifting is exercised.
        // Half crowd the first slots, half the last of a 1,024-slot table: runs wrap around its end.
        let hashes = (0..<300).map { UInt64($0) << 40 | ($0 % 2 == 0 ? random.next() % 8 : 1_016 + random.next() % 8) }
        for seq in UInt64(1)...20_000 {
            let hash = hashes[Int(random.next() % UInt64(hashes.count))]
            if random.next() % 3 == 0 {
                table.remove(hash)
                model[hash] = nil
            } else {
                table.set(hash, seq)
                model[hash] = seq
            }
            if seq % 97 == 0 {
                for h in hashes where table[h] != model[h] {
                    Issue.record("hash \(h): table \(String(describing: table[h])), model \(String(describing: model[h]))")
                    return
                }
            }
        }
        #expect(table.count == model.count)
    }
}
