import Glibc
import PaxosCore
import Posix
import Storage

/// `--crash-child DIR` (hidden): the process the SIGKILL tests kill. It
/// recovers DIR, prints `R <last slot>`, then appends accepts for the next
/// slots forever (with a snapshot every 250 slots), printing `A <slot>`
/// before appending through that slot and `D <slot>` once every record
/// through that slot is durable. Record contents are a function of the
/// slot; StorageTests/ProcessCrashTests.swift checks them with the same
/// formulas (keep the two in step).
enum CrashChildRecords {
    static func ballot(_ slot: Slot) -> Ballot { Ballot(round: 1 + slot / 500, node: 1) }

    static func value(_ slot: Slot) -> Value {
        let payload = Array("value-\(slot)".utf8) + [UInt8](repeating: UInt8(truncatingIfNeeded: slot), count: Int(slot % 64))
        return .batch(timeMs: slot, requests: [Request(id: RequestID(origin: 1, serial: slot), payload: payload)])
    }

    static func snapshotData(_ index: Slot) -> [UInt8] {
        Array(repeating: Array("snapshot-\(index);".utf8), count: 20).flatMap { $0 }
    }

    static let snapshotEvery: Slot = 250
    static let snapshotLag: Slot = 20
}

func runCrashChild(directory: String) -> Never {
    do {
        let dataDirectory = try DataDirectory.open(directory)
        defer { dataDirectory.close() }
        let (wal, state) = try WriteAheadLog.open(directory: directory, options: WALOptions(segmentBytes: 32 << 10))
        var slot = max(state.accepted.keys.max() ?? 0, state.snapshotIndex)
        printNow("R \(slot)")
        var random = UInt64(getpid()) &* 0x9E37_79B9_7F4A_7C15
        var inFlight: [(count: UInt64, slot: Slot)] = []
        while true {
            random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let size = 1 + Int((random >> 33) % 16)
            var batch: [Record] = []
            for _ in 0..<size {
                slot += 1
                batch.append(.accept(slot: slot, ballot: CrashChildRecords.ballot(slot), value: CrashChildRecords.value(slot)))
                if slot % CrashChildRecords.snapshotEvery == 0 {
                    let index = slot - CrashChildRecords.snapshotLag
                    batch.append(.snapshot(index: index, promised: CrashChildRecords.ballot(index),
                                           data: CrashChildRecords.snapshotData(index)))
                }
            }
            printNow("A \(slot)")
            wal.append(batch)
            inFlight.append((wal.appendedCount, slot))
            // Keep up to three batches in flight, so group commit has work to merge.
            while let first = inFlight.first, inFlight.count > 3 || wal.durableCount >= first.count {
                guard wal.waitUntilDurable(first.count, timeoutNanoseconds: 30_000_000_000) else {
                    printError("storage-bench: crash child: records never became durable")
                    exit(3)
                }
                printNow("D \(first.slot)")
                inFlight.removeFirst()
            }
        }
    } catch {
        printError("storage-bench: crash child: \(error)")
        exit(3)
    }
}
