import Glibc
import PaxosCore
import Posix
import Storage

/// `--large`: the checks too big for debug unit tests. True when all pass.
func runLargeChecks(base: String) throws -> Bool {
    let snapshotOK = try checkMillionKeySnapshot(base: base)
    let boundedOK = try checkBoundedDirectory(base: base)
    print(snapshotOK && boundedOK ? "large checks: PASS" : "large checks: FAIL")
    return snapshotOK && boundedOK
}

/// A state machine's bytes: count, then (key, value) pairs in sorted key order.
func encodeMap(_ map: [String: [UInt8]]) -> [UInt8] {
    var w = ByteWriter(capacity: map.count * 40)
    w.u32(UInt32(map.count))
    for key in map.keys.sorted() {
        w.blob(Array(key.utf8))
        w.blob(map[key]!)
    }
    return w.bytes
}

func checkMillionKeySnapshot(base: String) throws -> Bool {
    let dir = ScratchDirectory(base: base, name: "snapshot")
    defer { dir.remove() }
    var w = ByteWriter(capacity: 40 << 20)
    w.u32(1_000_000)
    for k in 0..<1_000_000 {
        w.blob(Array("key:\(k)".utf8))
        w.blob(Array("value-\(k &* 7919 % 1_000_003)".utf8))
    }
    let data = w.bytes
    let promised = Ballot(round: 12, node: 3)
    var start = SystemClock.monotonicNs()
    do {
        let (wal, _) = try WriteAheadLog.open(directory: dir.path)
        defer { wal.close() }
        wal.append([.snapshot(index: 1_000_000, promised: promised, data: data)])
        guard wal.waitUntilDurable(1, timeoutNanoseconds: 120_000_000_000) else { return false }
    }
    let writeSeconds = seconds(since: start)
    let onDisk = dir.totalBytes()
    start = SystemClock.monotonicNs()
    let (wal, state) = try WriteAheadLog.open(directory: dir.path)
    wal.close()
    let readSeconds = seconds(since: start)
    let ok = state.snapshotData == data && state.snapshotIndex == 1_000_000 && state.promised == promised
    print("snapshot of 1,000,000 keys: \(mib(data.count)) raw, \(mib(onDisk)) on disk, written in \(fixed(writeSeconds, 2)) s, recovered in \(fixed(readSeconds, 2)) s: \(ok ? "ok" : "MISMATCH")")
    return ok
}

func checkBoundedDirectory(base: String) throws -> Bool {
    let dir = ScratchDirectory(base: base, name: "bounded")
    defer { dir.remove() }
    let promised = Ballot(round: 7, node: 2)
    let total: Slot = 2_000_000
    let snapshotEvery: Slot = 100_000
    let chunk = 2_000
    var map: [String: [UInt8]] = [:]
    var largest = 0
    let start = SystemClock.monotonicNs()
    do {
        let (wal, _) = try WriteAheadLog.open(directory: dir.path)
        defer { wal.close() }
        // The promise is written once, at the start: only compaction's rewrite can keep it.
        wal.append([.promise(promised)])
        var slot: Slot = 0
        var inFlight: [UInt64] = []
        while slot < total {
            var batch: [Record] = []
            batch.reserveCapacity(chunk + 1)
            for _ in 0..<chunk {
                slot += 1
                let key = "key:\(slot % 10_000)"
                let value = Array("value-\(slot)".utf8)
                map[key] = value
                let command = Array("SET \(key) ".utf8) + value
                batch.append(.accept(slot: slot, ballot: promised, value: ballotRecordValue(slot, payload: command)))
                if slot % snapshotEvery == 0 {
                    batch.append(.snapshot(index: slot, promised: promised, data: encodeMap(map)))
                }
            }
            wal.append(batch)
            inFlight.append(wal.appendedCount)
            if inFlight.count > 4 {
                guard wal.waitUntilDurable(inFlight.removeFirst(), timeoutNanoseconds: 60_000_000_000) else { return false }
                largest = max(largest, dir.totalBytes())
            }
        }
        guard wal.waitUntilDurable(wal.appendedCount, timeoutNanoseconds: 60_000_000_000) else { return false }
        largest = max(largest, dir.totalBytes())
    }
    let writeSeconds = seconds(since: start)
    let (wal, state) = try WriteAheadLog.open(directory: dir.path)
    wal.close()
    let bounded = largest < 64 << 20
    let remembers = state.promised == promised && state.snapshotIndex == total
    print("2,000,000 SETs over 10,000 keys in \(fixed(writeSeconds, 1)) s: largest data directory \(mib(largest)) (limit 64 MiB): \(bounded ? "ok" : "TOO LARGE")")
    print("restart: promised \(state.promised), snapshot index \(state.snapshotIndex): \(remembers ? "ok" : "WRONG")")
    return bounded && remembers
}
