import PaxosCore
import Storage

/// Drives a WAL on a `LossyFileSystem` through crash after crash. Each
/// trial opens (recovers) the log, checks the recovery, appends random
/// records (promises, accepts, snapshots) and crashes at a random point:
/// inside a file operation of the sync thread or from outside.
///
/// The check: the recovered state must equal the replay of the previous
/// state plus the first k records appended in the trial, for some k at
/// least the durable count reported before the crash. So every record
/// reported durable is back, in order, and nothing never appended is.
/// Snapshot files are written beside the log, so of the snapshots among
/// those k records that were not yet counted durable a suffix may not have
/// reached the disk: their promises count (they go into the log), their
/// compaction does not.
struct LossyCrashHarness {
    var failures: [String] = []
    var crashes = 0
    var durableRecords = 0

    private var random: SplitMix64
    private let seed: UInt64
    private var round: UInt64 = 1
    private var maxSlot: Slot = 0
    private var snapshotIndex: Slot = 0

    init(seed: UInt64) {
        self.seed = seed
        random = SplitMix64(seed: seed)
    }

    mutating func run(trials: Int, skipsSync: Bool = false, reordersWrites: Bool = false) {
        let disk = LossyFileSystem(seed: seed &* 31 &+ 7, reordersWrites: reordersWrites)
        let fatal = FatalErrors()
        var candidates = [RecoveredState()]
        for trial in 0..<trials {
            let options = WALOptions(segmentBytes: 200 + Int(random.next() % 1500), skipsSyncForCrashTest: skipsSync,
                                     onFatalError: { fatal.record($0) })
            let wal: WriteAheadLog
            let recovered: RecoveredState
            do {
                (wal, recovered) = try WriteAheadLog.open(directory: "/data", fileSystem: disk.mount(), options: options)
            } catch {
                failures.append("seed \(seed) trial \(trial): recovery failed: \(error)")
                return
            }
            if !candidates.contains(recovered) {
                failures.append("seed \(seed) trial \(trial): recovered state is not the durable prefix of what was appended")
            }
            if random.next() % 2 == 0 { disk.crash(afterOperations: 1 + Int(random.next() % 40)) }
            var appended: [Record] = []
            let batches = Int(random.next() % 12)
            for _ in 0..<batches {
                let batch = makeBatch()
                wal.append(batch)
                appended += batch
                if random.next() % 3 == 0 {
                    _ = wal.waitUntilDurable(wal.appendedCount, timeoutNanoseconds: fiveSeconds)
                }
                if wal.hasFailed { break }
            }
            disk.crashNow()
            wal.close()
            crashes += 1
            let durable = Int(wal.durableCount)
            durableRecords += durable
            precondition(durable <= appended.count, "durable count beyond appends")
            candidates = Self.candidates(from: recovered, appended: appended, durable: durable)
        }
    }

    /// Every state a recovery may find after `appended` (the first
    /// `durable` of them reported durable) on top of `start`.
    static func candidates(from start: RecoveredState, appended: [Record], durable: Int) -> [RecoveredState] {
        let snapshotPositions = appended.indices.filter { if case .snapshot = appended[$0] { return true } else { return false } }
        // A snapshot appended once the node had joined counts durable with its batch.
        var joinedBefore: [Bool] = []
        var hasJoined = start.hasJoined
        for record in appended {
            joinedBefore.append(hasJoined)
            if case .joined = record { hasJoined = true }
        }
        var states: [RecoveredState] = []
        // From `cut` on, snapshots are not on disk: only their promises are.
        // A learner's counted durable is on disk (its file came before the count).
        for cut in snapshotPositions.filter({ $0 >= durable || joinedBefore[$0] }) + [appended.count] {
            var state = start
            for k in 0...appended.count {
                if k >= durable && !states.contains(state) { states.append(state) }
                guard k < appended.count else { break }
                if k >= cut, case .snapshot(_, let promised, _) = appended[k] {
                    state.apply(.promise(promised))
                } else {
                    state.apply(appended[k])
                }
            }
        }
        return states
    }

    private mutating func makeBatch() -> [Record] {
        let count = 1 + Int(random.next() % 8)
        var batch: [Record] = []
        for _ in 0..<count {
            let ballot = Ballot(round: round, node: 1)
            switch random.next() % 40 {
            case 39 where seed % 2 == 0:
                // Even seeds join (a voter's snapshots count durable with
                // their batch from then on); odd seeds stay learners.
                batch.append(.joined)
            case 0..<6:
                round += 1
                batch.append(.promise(Ballot(round: round, node: 2)))
            case 6, 7:
                maxSlot += 1
                snapshotIndex = snapshotIndex + random.next() % (maxSlot - snapshotIndex + 1)
                batch.append(.snapshot(index: snapshotIndex, promised: ballot, data: randomBytes(Int(random.next() % 600))))
            default:
                let slot = snapshotIndex + 1 + random.next() % 30
                maxSlot = max(maxSlot, slot)
                let value: Value = random.next() % 8 == 0 ? .noop
                    : .batch(timeMs: random.next() % 1000,
                             requests: [Request(id: RequestID(origin: 1, serial: random.next() % 100), payload: randomBytes(Int(random.next() % 200)))])
                batch.append(.accept(slot: slot, ballot: ballot, value: value))
            }
        }
        return batch
    }

    private mutating func randomBytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }
}
