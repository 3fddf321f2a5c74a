import Metrics
import PaxosCore
import Posix

/// The acceptor's durable log. The event-loop thread appends the core's
/// `Output.persist` records (cheap: encode and enqueue); a dedicated sync
/// thread writes them and makes each batch durable with one fdatasync
/// (group commit). `durableCount` then counts the records appended since
/// `open` that are durable, in order, and `completionFD` (an eventfd)
/// becomes readable so an epoll loop can feed the core `.persisted(count:)`.
public final class WriteAheadLog: @unchecked Sendable {
    private enum Pending {
        /// A record's `Record.encoded()`; the sync thread frames it under the
        /// salt of the segment it lands in, known only once it is written.
        case record(payload: [UInt8], slot: Slot, ballot: Ballot)
        case snapshot(index: Slot, promised: Ballot, data: [UInt8])
        /// The node votes: written like any record, and again after every compaction.
        case joined(payload: [UInt8])
    }

    /// A snapshot file the snapshot writer finished (or failed to write).
    private struct FinishedSnapshot {
        let index: Slot
        let keepFrom: UInt64
        let error: (any Error)?
    }

    /// Guards every `var` below up to `writer`.
    private let monitor = Monitor()
    /// Guarded by `monitor`; observed on the sync thread.
    private var fsyncs = Histogram(bounds: Histogram.latencyBounds)
    private var pending: [Pending] = []
    /// Invariant: durable <= synced <= appended.
    private var appended: UInt64 = 0
    private var durable: UInt64 = 0
    /// Records the sync thread has written and synced (a snapshot's file
    /// may still be on its way: then `durable` stops at it).
    private var synced: UInt64 = 0
    /// Positions (in the append order) of the snapshots counted in `synced`
    /// whose file is not durable yet. `durable` never passes the first; a
    /// snapshot's file also makes every earlier one here durable (it holds
    /// all they held: the core's snapshots only move forward).
    private var snapshotBarriers: [UInt64] = []
    /// The position of the snapshot whose file is being written (nil: none is).
    private var inFlightPosition: UInt64?
    private var isStopping = false
    private var isFailed = false
    private var isStopped = false
    /// Snapshot files written beside the log, to be finished by the sync thread.
    private var snapshotsFinished: [FinishedSnapshot] = []
    private var logBytes: Int

    /// Owned by the sync thread once it runs.
    private let writer: SegmentWriter
    /// A snapshot the sync thread has not begun yet (another is under way);
    /// a newer one replaces it. Sync thread only.
    private var heldSnapshot: (index: Slot, data: [UInt8], position: UInt64)?
    private let options: WALOptions
    private var thread: PosixThread?
    /// Set once in `init`.
    private var snapshotWriter: SnapshotWriter?
    private var isClosed = false

    /// An eventfd (non-blocking) written after each advance of `durableCount`.
    /// Read it to reset it, then read `durableCount`.
    public let completionFD: Int32

    /// Opens (creating if needed) the log in `directory`, recovers it and
    /// returns the acceptor state that was durable. Throws
    /// `StorageError.corruptLog` and touches nothing when a record before the
    /// tail or a segment header is damaged, a segment before the last lacks
    /// its seal, or a segment is of another format.
    public static func open(directory: String, fileSystem: any FileSystem = PosixFileSystem(),
                            options: WALOptions = WALOptions()) throws -> (WriteAheadLog, RecoveredState) {
        let layout = DataDirectoryLayout(root: directory)
        try fileSystem.createDirectory(layout.root)
        try fileSystem.createDirectory(layout.walDirectory)
        try fileSystem.createDirectory(layout.snapDirectory)
        if !options.skipsSyncForCrashTest { try fileSystem.syncDirectory(layout.root) }
        let plan = try LogRecovery.scan(layout, fileSystem: fileSystem)
        let writer = try SegmentWriter(resuming: plan, layout: layout, fileSystem: fileSystem, options: options)
        let fd: CInt
        do { fd = try Posix.makeEventFD() } catch {
            writer.close()
            throw error
        }
        let log = WriteAheadLog(writer: writer, layout: layout, fileSystem: fileSystem, options: options, completionFD: fd)
        return (log, plan.state)
    }

    private init(writer: SegmentWriter, layout: DataDirectoryLayout, fileSystem: any FileSystem, options: WALOptions, completionFD: Int32) {
        self.writer = writer
        self.options = options
        self.completionFD = completionFD
        logBytes = writer.totalBytes
        snapshotWriter = SnapshotWriter(layout: layout, fileSystem: fileSystem, options: options) { [unowned self] index, keepFrom, error in
            monitor.withLock {
                snapshotsFinished.append(FinishedSnapshot(index: index, keepFrom: keepFrom, error: error))
                if error == nil, let position = inFlightPosition { releaseBarriers(through: position) }
                inFlightPosition = nil
                monitor.broadcast()
            }
            try? Posix.signalEventFD(completionFD)
        }
        thread = PosixThread { [unowned self] in self.runSyncLoop() }
    }

    deinit {
        assert(isClosed, "WriteAheadLog dropped without close()")
    }

    /// Queues records in order. A `.snapshot` puts its promise in the log in
    /// order with the other records; its file is written beside the log by
    /// the snapshot writer while the records after it are written and synced.
    /// On a node that has joined (a voter) it counts durable with its batch:
    /// all it promised and accepted stays in the log until the file is
    /// durable, and the chosen values a snapshot adds are held by the others.
    /// On a learner it counts durable (and the records after it with it)
    /// only once its file is: what a learner caught up on lives nowhere else
    /// on it, and the core makes it durable before it votes. The log is
    /// compacted once the file is durable. A crash before then recovers the
    /// previous snapshot and the log after it.
    public func append(_ records: [Record]) {
        guard !records.isEmpty else { return }
        var items: [Pending] = []
        items.reserveCapacity(records.count)
        for record in records {
            switch record {
            case .promise(let ballot):
                items.append(.record(payload: Self.payload(of: record), slot: 0, ballot: ballot))
            case .accept(let slot, let ballot, _):
                precondition(slot > 0, "slots start at 1")
                items.append(.record(payload: Self.payload(of: record), slot: slot, ballot: ballot))
            case .snapshot(let index, let promised, let data):
                items.append(.snapshot(index: index, promised: promised, data: data))
            case .joined:
                items.append(.joined(payload: Self.payload(of: record)))
            }
        }
        monitor.withLock {
            precondition(!isStopping, "append after close")
            pending.append(contentsOf: items)
            appended += UInt64(items.count)
            monitor.broadcast()
        }
    }

    /// Encodes on the appending thread, and fails there on a record too large to frame.
    private static func payload(of record: Record) -> [UInt8] {
        let payload = record.encoded()
        precondition(!payload.isEmpty && payload.count <= RecordFrame.payloadBytesMax, "record size out of range")
        return payload
    }

    /// Advances `durable` to what is synced, up to the first snapshot whose
    /// file is not durable yet; call with the monitor held.
    private func advanceDurable() {
        durable = max(durable, min(synced, snapshotBarriers.first ?? synced))
        precondition(durable <= synced && synced <= appended, "more records durable than appended")
    }

    /// The snapshot at `position` is durable, and with it every earlier one; call with the monitor held.
    private func releaseBarriers(through position: UInt64) {
        snapshotBarriers.removeAll { $0 <= position }
        advanceDurable()
    }

    /// Records appended since `open` that are durable, a prefix of the append order.
    public var durableCount: UInt64 { monitor.withLock { durable } }

    /// Records appended since `open`.
    public var appendedCount: UInt64 { monitor.withLock { appended } }

    /// Bytes of the log's segments up to their last record: headers and
    /// records, not the zeros a preallocated segment holds after them (for
    /// INFO `wal_bytes`; the files on disk are larger).
    public var walBytes: Int { monitor.withLock { logBytes } }

    /// How long each group commit's fdatasync took (seconds), since open.
    public var fsyncSeconds: Histogram { monitor.withLock { fsyncs } }

    /// True once a write or sync failed; nothing becomes durable after that.
    public var hasFailed: Bool { monitor.withLock { isFailed } }

    /// Blocks until `durableCount >= count`; false on timeout, failure or
    /// close. For tools and tests; the event loop uses `completionFD`.
    public func waitUntilDurable(_ count: UInt64, timeoutNanoseconds: UInt64) -> Bool {
        let deadline = SystemClock.monotonicNs() + timeoutNanoseconds
        return monitor.withLock {
            while durable < count {
                if isFailed || isStopped { return false }
                if !monitor.wait(untilNanoseconds: deadline) { return false }
            }
            return true
        }
    }

    /// Finishes what was appended (unless failed), stops the sync thread and
    /// closes the files. Call once, from the thread that appends.
    public func close() {
        guard !isClosed else { return }
        monitor.withLock {
            isStopping = true
            monitor.broadcast()
        }
        thread?.join()
        thread = nil
        snapshotWriter?.stop()
        writer.close()
        try? Posix.close(completionFD)
        isClosed = true
    }

    private func runSyncLoop() {
        while true {
            var (batch, finished): ([Pending], [FinishedSnapshot]) = monitor.withLock {
                // Stopping waits for a snapshot file being written, to finish it.
                while pending.isEmpty && snapshotsFinished.isEmpty && !(isStopping && inFlightPosition == nil) { monitor.wait() }
                defer {
                    pending = []
                    snapshotsFinished = []
                }
                return (pending, snapshotsFinished)
            }
            if batch.isEmpty && finished.isEmpty { break }
            let firstPosition = monitor.withLock { synced }
            var barriers: [UInt64] = []
            var skippedThrough: UInt64? = nil
            do {
                for snapshot in finished {
                    if let error = snapshot.error { throw error }
                    try writer.finishSnapshot(index: snapshot.index, keepFrom: snapshot.keepFrom)
                }
                for (offset, item) in batch.enumerated() {
                    switch item {
                    case .record(let payload, let slot, let ballot):
                        try writer.write(payload: payload, slot: slot, ballot: ballot)
                    case .snapshot(let index, let promised, let data):
                        try writer.recordPromise(promised)
                        heldSnapshot = (index, data, firstPosition + UInt64(offset))
                        // A voter's snapshot adds only what the others hold
                        // too: everything it promised and accepted stays in
                        // the log until the file is durable. A learner's
                        // (not joined) holds what it caught up on, found
                        // nowhere else on it: only its file makes it durable.
                        if !writer.hasJoined { barriers.append(firstPosition + UInt64(offset)) }
                    case .joined(let payload):
                        try writer.writeJoined(payload: payload)
                    }
                }
                var begun: SnapshotFile? = nil
                var startedPosition: UInt64? = nil
                if !writer.isSnapshotUnderWay, let held = heldSnapshot {
                    heldSnapshot = nil
                    begun = try writer.beginSnapshot(index: held.index, data: held.data)
                    // Not begun: a newer snapshot is on disk, which holds all it would.
                    if begun == nil { skippedThrough = held.position } else { startedPosition = held.position }
                }
                // Only records written before this sync started are counted.
                let syncNs = try writer.sync()
                // Started only now: the file never reaches the disk ahead of
                // the records before it, so a recovery always finds a prefix
                // of the log (less, at most, the newest snapshots).
                // Barriers first: a small file can be done before this thread goes on.
                monitor.withLock {
                    if let syncNs { fsyncs.observe(Double(syncNs) / 1e9) }
                    snapshotBarriers += barriers
                    if let startedPosition { inFlightPosition = startedPosition }
                }
                if let begun { snapshotWriter!.start(begun) }
            } catch {
                // Report first: by default this exits, before anyone sees the failure.
                options.onFatalError("write-ahead log: \(error)")
                monitor.withLock {
                    isFailed = true
                    isStopped = true
                    monitor.broadcast()
                }
                return
            }
            let total = writer.totalBytes
            monitor.withLock {
                synced += UInt64(batch.count)
                if let skippedThrough { releaseBarriers(through: skippedThrough) }
                advanceDurable()
                logBytes = total
                monitor.broadcast()
            }
            try? Posix.signalEventFD(completionFD)
            // The finished snapshot's bytes are freed, and the loop dropped
            // the compacted log when it took it: give the pages back.
            if !finished.isEmpty {
                batch = []
                finished = []
                Posix.releaseFreeMemory()
            }
        }
        monitor.withLock {
            isStopped = true
            monitor.broadcast()
        }
    }
}
