import Testing
@testable import KVStore

@Suite("SCAN")
struct ScanTests {
    @Test("an empty store: cursor 0 in, cursor 0 and no keys out")
    func empty() {
        let kv = KVStateMachine()
        #expect(kv.ask(.scan(cursor: 0, match: nil, count: 10)) == .array([.bulk(b("0")), .array([])]))
    }

    @Test("a full scan returns every key exactly once, whatever the COUNT", arguments: [1, 3, 10, 1000])
    func fullIteration(count: Int) {
        var kv = KVStateMachine()
        for i in 0..<500 { _ = kv.run(.set(b("key:\(i)"), b("v"), condition: .none)) }
        let keys = kv.fullScan(count: count)
        #expect(keys.count == 500)
        #expect(Set(keys) == Set(kv.contents.keys))
    }

    @Test("COUNT bounds the keys examined per call; the default 10 gives pages of about 10")
    func pageSize() {
        var kv = KVStateMachine()
        for i in 0..<100 { _ = kv.run(.set(b("\(i)"), b("v"), condition: .none)) }
        guard case .array(let parts) = kv.ask(.scan(cursor: 0, match: nil, count: 10)),
              case .array(let page) = parts[1] else { Issue.record("bad reply"); return }
        #expect(page.count == 10)
        #expect(parts[0] != .bulk(b("0")))
    }

    @Test("MATCH filters the keys a scan returns")
    func match() {
        var kv = KVStateMachine()
        for i in 0..<200 { _ = kv.run(.set(b(i % 2 == 0 ? "even:\(i)" : "odd:\(i)"), b("v"), condition: .none)) }
        let keys = kv.fullScan(count: 7, match: b("even:*"))
        #expect(keys.count == 100)
        #expect(keys.allSatisfy { $0.starts(with: b("even:")) })
    }

    @Test("COUNT below 1 is a syntax error (and cannot even be encoded for the log)")
    func badCount() {
        let kv = KVStateMachine()
        #expect(kv.query(.scan(cursor: 0, match: nil, count: 0)) == .err("syntax error"))
        #expect(kv.ask(.scan(cursor: 0, match: nil, count: 0)).isError)
    }

    @Test("inserts and deletes between calls: every key present for the whole scan is returned", arguments: [1, 2, 3])
    func concurrentChanges(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        var kv = KVStateMachine()
        let stable = (0..<300).map { b("stable:\($0)") }
        let churn = (0..<300).map { b("churn:\($0)") }
        for key in stable + churn { _ = kv.run(.set(key, b("v"), condition: .none)) }
        // A scan whose state changes between calls, driven by hand since query is read-only.
        var cursor: UInt64 = 0
        var seen: [[UInt8]] = []
        var fresh = 0
        repeat {
            guard case .array(let parts) = kv.ask(.scan(cursor: cursor, match: nil, count: 5)),
                  case .bulk(let c) = parts[0], case .array(let page) = parts[1] else {
                Issue.record("bad reply")
                return
            }
            for case .bulk(let key) in page { seen.append(key) }
            cursor = UInt64(String(decoding: c, as: UTF8.self))!
            for _ in 0..<4 {
                if Bool.random(using: &rng) {
                    _ = kv.run(.del([churn.randomElement(using: &rng)!]))
                } else {
                    _ = kv.run(.set(b("fresh:\(fresh)"), b("v"), condition: .none))
                    fresh += 1
                }
            }
        } while cursor != 0
        let seenSet = Set(seen)
        #expect(stable.allSatisfy { seenSet.contains($0) })
        #expect(seen.count == seenSet.count, "no key returned twice")
    }

    @Test("a cursor from another scan or made up resumes safely; past the last hash it ends")
    func arbitraryCursor() {
        var kv = KVStateMachine()
        for i in 0..<50 { _ = kv.run(.set(b("\(i)"), b("v"), condition: .none)) }
        #expect(kv.ask(.scan(cursor: .max, match: nil, count: 10)).isError == false)
        let tail = kv.ask(.scan(cursor: .max, match: nil, count: 1000))
        guard case .array(let parts) = tail else { Issue.record("bad reply"); return }
        #expect(parts[0] == .bulk(b("0")))
    }

    @Test("the same keys scan in the same order however they were inserted")
    func orderIsDeterministic() {
        var a = KVStateMachine()
        var c = KVStateMachine()
        let keys = (0..<200).map { b("k\($0)") }
        for key in keys { _ = a.run(.set(key, b("v"), condition: .none)) }
        for key in keys.reversed() { _ = c.run(.set(key, b("v"), condition: .none)) }
        #expect(a.fullScan(count: 9) == c.fullScan(count: 9))
    }
}
