import Glibc
import PaxosCore
import Testing
import Storage

@Suite("Crashes on a file system that loses unsynced bytes")
struct LossyCrashTests {
    @Test("every record reported durable survives 1,200 simulated crashes", arguments: [1 as UInt64, 2, 3, 4])
    func durableRecordsSurvive(seed: UInt64) {
        var harness = LossyCrashHarness(seed: seed)
        harness.run(trials: 300)
        #expect(harness.failures.isEmpty, "\(harness.failures.prefix(5))")
        #expect(harness.crashes == 300)
        #expect(harness.durableRecords > 300, "too few durable records to mean anything")
    }

    @Test("every record reported durable survives 1,200 simulated crashes that persist unsynced sectors in any order, and the log always opens",
          arguments: [5 as UInt64, 6, 7, 8])
    func durableRecordsSurviveReorderedSectors(seed: UInt64) {
        var harness = LossyCrashHarness(seed: seed)
        harness.run(trials: 300, reordersWrites: true)
        #expect(harness.failures.isEmpty, "\(harness.failures.prefix(5))")
        #expect(harness.crashes == 300)
        #expect(harness.durableRecords > 300, "too few durable records to mean anything")
    }

    @Test("records recovered from the page cache after a kill -9 are synced at open, before the next frames claim them durable")
    func recoveredRecordsAreSyncedAtOpen() throws {
        let records = (1...5).map { accept(Slot($0)) }
        for seed in 1...8 as ClosedRange<UInt64> {
            let disk = LossyFileSystem(seed: seed)
            do {
                // Written, never synced: the process dies, the page cache keeps them.
                var unsynced = WALOptions(segmentBytes: 4096, onFatalError: { _ in })
                unsynced.skipsSyncForCrashTest = true
                let (wal, _) = try WriteAheadLog.open(directory: "/data", fileSystem: disk.mount(), options: unsynced)
                wal.append(records)
                #expect(wal.waitUntilDurable(5, timeoutNanoseconds: fiveSeconds))
                wal.close()
            }
            let small = WALOptions(segmentBytes: 4096)
            let (wal, state) = try WriteAheadLog.open(directory: "/data", fileSystem: disk.mount(), options: small)
            #expect(state == RecoveredState.replay(records))
            disk.crashNow()  // then the power
            wal.close()
            let (again, after) = try WriteAheadLog.open(directory: "/data", fileSystem: disk.mount(), options: small)
            again.close()
            #expect(after == state, "seed \(seed): recovered records lost to a power cut after the open")
        }
    }

    @Test("skipping the fdatasync makes the crash checks fail")
    func missingSyncIsCaught() {
        var harness = LossyCrashHarness(seed: 99)
        harness.run(trials: 100, skipsSync: true)
        #expect(!harness.failures.isEmpty, "the crash checks did not notice a log that never syncs")
    }

    @Test("an fdatasync error is fatal: reported once, nothing more becomes durable")
    func syncErrorIsFatal() throws {
        let disk = LossyFileSystem(seed: 1)
        let fatal = FatalErrors()
        let (wal, _) = try WriteAheadLog.open(directory: "/data", fileSystem: disk.mount(), options: fatal.options())
        defer { wal.close() }
        wal.append([accept(1)])
        #expect(wal.waitUntilDurable(1, timeoutNanoseconds: fiveSeconds))
        disk.failNextSyncWith = EIO
        wal.append([accept(2)])
        #expect(!wal.waitUntilDurable(2, timeoutNanoseconds: fiveSeconds))
        #expect(wal.hasFailed)
        #expect(wal.durableCount == 1)
        #expect(fatal.all.count == 1)
        #expect(fatal.all.first?.contains("fdatasync") == true)
        #expect(fatal.all.first?.contains("errno: \(EIO)") == true)
        wal.append([accept(3)])
        #expect(wal.durableCount == 1, "no retry after a failed fdatasync")
    }
}
