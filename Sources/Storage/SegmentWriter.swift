import PaxosCore
import Posix

/// The files of the log as the sync thread sees them: writes records into
/// segments, rotates, syncs, writes snapshots and compacts. Used only by
/// the sync thread (and by `open` before that thread starts).
final class SegmentWriter {
    struct Segment {
        let sequence: UInt64
        /// Mixed into the CRC of every record in the segment (`SegmentHeader`).
        let salt: UInt64
        /// Highest accept slot in the segment (0: none); compaction deletes a
        /// segment only when this is at or below the snapshot index.
        var maxSlot: Slot
        /// Logical size: the header and the records written, not the zeros
        /// the file was preallocated with after them (nor its file size).
        /// Invariant: bytes >= SegmentHeader.bytes (the header comes first).
        var bytes: Int
        /// Records written, the seal not counted (the seal says how many).
        var records: Int
    }

    private let layout: DataDirectoryLayout
    private let fs: any FileSystem
    private let options: WALOptions
    /// Oldest first; never empty; the last is being appended to.
    private(set) var segments: [Segment]
    /// The last segment's file: preallocated (`SegmentFiles`), written at its logical end.
    private var current: any AppendableFile
    private let preparer: SegmentPreparer
    /// Frames written since the last flush; flushed before every sync.
    private var buffer: [UInt8] = []
    /// Bytes appended to `current` since its last fdatasync.
    private var hasUnsyncedBytes = false
    /// The current segment's logical end when its last fdatasync returned:
    /// every frame carries it as its durable end (`LogRecovery.scanSegment`
    /// relies on it to tell a torn batch from damaged durable bytes).
    /// Invariant: SegmentHeader.bytes <= durableBytes <= the segment's bytes.
    private var durableBytes = SegmentHeader.bytes
    /// The highest ballot in any record ever written or recovered.
    private(set) var maxPromised: Ballot
    /// Whether a `.joined` record was ever written or recovered: like the
    /// promise, it is rewritten into the newest segment before compaction
    /// deletes older ones, or a voter that never promised (it caught up by
    /// fetching) would restart as a learner (rule 9), and with one more node
    /// wiped a 3-node cluster would have no majority of voters left.
    private(set) var hasJoined: Bool
    /// The newest snapshot file on disk (recovered or finished).
    private var snapshotIndex: Slot?
    /// The snapshot begun and not yet finished; one at a time.
    private var snapshotUnderWay: Slot?

    private static let bufferBytesMax = 1 << 20

    /// Opens the log where recovery left it: removes leftovers, overwrites a
    /// torn tail with zeros, and reopens the last segment (or creates the first).
    init(resuming plan: RecoveryPlan, layout: DataDirectoryLayout, fileSystem fs: any FileSystem, options: WALOptions) throws {
        self.layout = layout
        self.fs = fs
        self.options = options
        maxPromised = plan.state.promised
        hasJoined = plan.state.hasJoined
        snapshotIndex = plan.snapshotIndex
        preparer = SegmentPreparer(layout: layout, fileSystem: fs, options: options)
        for path in plan.obsoletePaths { try fs.removeFile(path) }
        if !plan.obsoletePaths.isEmpty {
            try Self.syncDirectory(layout.walDirectory, fs, options)
            try Self.syncDirectory(layout.snapDirectory, fs, options)
        }
        if let last = plan.segments.last {
            precondition(last.validBytes >= SegmentHeader.bytes, "recovery kept a segment without its header")
            segments = plan.segments.map {
                Segment(sequence: $0.sequence, salt: $0.salt, maxSlot: $0.maxSlot, bytes: $0.validBytes, records: $0.records)
            }
            // A kill -9 may have come between a segment's rename and its
            // directory sync: no record may be reported durable in a segment
            // whose directory entry a power cut could still take away.
            try Self.syncDirectory(layout.walDirectory, fs, options)
            current = try fs.openForAppending(layout.segmentPath(last.sequence), create: false)
            precondition(current.size >= last.tornEnd, "segment shorter than recovery read it")
            if last.tornEnd > last.validBytes {
                // Zeros, not ftruncate: the file keeps its preallocated size,
                // and the torn bytes cannot be read as records later, when
                // shorter records have overwritten only part of them.
                try SegmentFiles.writeZeros(current, from: last.validBytes, to: last.tornEnd, options, syncsEachChunk: false)
            }
            // Always synced: after a kill -9 the records recovered may be
            // in the page cache only, and the next frames will claim them
            // durable (a frame claiming bytes that a power cut then takes
            // would make recovery refuse a merely torn batch).
            if !options.skipsSyncForCrashTest { try current.dataSync() }
            durableBytes = last.validBytes
            if last.isSealed {
                // Rotation was cut after the seal was synced: start the next segment.
                try startNextSegment()
            }
        } else {
            let (file, segment) = try Self.createSegment(plan.firstSegment, spare: nil, layout, fs, options)
            current = file
            segments = [segment]
        }
        prepareAheadIfHalfFull()
    }

    /// Logical bytes of all segments (headers and records, not the zeros after them).
    var totalBytes: Int { segments.reduce(0) { $0 + $1.bytes } }

    /// Adds one record (its `Record.encoded()` payload) after everything
    /// written before it, framed under the salt of the segment it lands in.
    func write(payload: [UInt8], slot: Slot, ballot: Ballot) throws {
        precondition(!payload.isEmpty, "empty record payload")
        let frameBytes = RecordFrame.headerBytes + payload.count
        let last = segments.count - 1
        // Rotate only a segment that holds a record, so each holds at least
        // one; a record larger than a whole segment grows its fresh segment's
        // file past the preallocated size (that sync then commits the size).
        // Room is kept for the seal, so it too lands in the preallocated zeros.
        if segments[last].bytes > SegmentHeader.bytes && segments[last].bytes + frameBytes + Seal.frameBytes > options.segmentBytes {
            try rotate()
        }
        appendFrame(payload, kind: RecordFrame.kindCoreRecord)
        segments[segments.count - 1].records += 1
        segments[segments.count - 1].maxSlot = max(segments[segments.count - 1].maxSlot, slot)
        maxPromised = max(maxPromised, ballot)
        if buffer.count >= Self.bufferBytesMax { try flush() }
        prepareAheadIfHalfFull()
    }

    /// Frames `payload` at the current segment's logical end, which it advances.
    private func appendFrame(_ payload: [UInt8], kind: UInt8) {
        let bufferedBefore = buffer.count
        RecordFrame.append(payload: payload, kind: kind, durableEnd: durableBytes, salt: segments[segments.count - 1].salt,
                           to: &buffer)
        precondition(buffer.count == bufferedBefore + RecordFrame.headerBytes + payload.count,
                     "frame size differs from its header and payload")
        segments[segments.count - 1].bytes += RecordFrame.headerBytes + payload.count
    }

    /// Once the current segment is half full, the next one is prepared on
    /// the preparer's thread, so rotation finds it zero-filled and synced.
    private func prepareAheadIfHalfFull() {
        let last = segments[segments.count - 1]
        if options.preparesNextSegment && last.bytes >= options.segmentBytes / 2 { preparer.request(last.sequence + 1) }
    }

    /// Makes everything written so far durable (one fdatasync); returns
    /// the nanoseconds the fdatasync took, nil when there was nothing to sync.
    @discardableResult
    func sync() throws -> UInt64? {
        try flush()
        guard hasUnsyncedBytes else { return nil }
        let started = SystemClock.monotonicNs()
        if !options.skipsSyncForCrashTest { try current.dataSync() }
        hasUnsyncedBytes = false
        durableBytes = segments[segments.count - 1].bytes
        return SystemClock.monotonicNs() - started
    }

    /// Writes the `.joined` record (slot 0) and remembers it for compaction.
    func writeJoined(payload: [UInt8]) throws {
        try write(payload: payload, slot: 0, ballot: .zero)
        hasJoined = true
    }

    /// Writes a promise record for a snapshot's promise (and every promise
    /// before it), on the sync thread: durable with the snapshot's batch, so
    /// it never waits for the snapshot file.
    func recordPromise(_ promised: Ballot) throws {
        maxPromised = max(maxPromised, promised)
        try write(payload: Record.promise(maxPromised).encoded(), slot: 0, ballot: maxPromised)
    }

    /// Whether a snapshot was begun and not yet finished (one at a time).
    var isSnapshotUnderWay: Bool { snapshotUnderWay != nil }

    /// Starts a snapshot, on the sync thread: returns the file to write
    /// beside the log (`writeSnapshotFile`) while records keep flowing, to be
    /// finished here afterwards (`finishSnapshot`). Nil when a newer
    /// snapshot is on disk: an older one adds nothing (its promise is in
    /// the log: `recordPromise`).
    func beginSnapshot(index: Slot, data: [UInt8]) throws -> SnapshotFile? {
        precondition(snapshotUnderWay == nil, "a snapshot begun while another is under way")
        if let newest = snapshotIndex, index < newest { return nil }
        // Only a prefix of segments may go: recovery needs the rest
        // contiguous. Segments written from now on all come after keepFrom.
        var keepFrom = segments[segments.count - 1].sequence
        for segment in segments where segment.maxSlot > index {
            keepFrom = segment.sequence
            break
        }
        // The `.joined` record goes into a kept segment now, before the file
        // can exist: once it does, recovery skips the segments before
        // keepFrom, and a voter whose only `.joined` sat in one of them would
        // come back a learner (the promise is safe: the file carries it).
        if hasJoined { try write(payload: Record.joined.encoded(), slot: 0, ballot: .zero) }
        snapshotUnderWay = index
        return SnapshotFile(index: index, promised: maxPromised, firstSegment: keepFrom, data: data)
    }

    /// Writes a snapshot file: temp, fsync, rename, fsync the directory. Any
    /// thread; it touches no segment. A crash before the rename leaves a temp
    /// file that recovery removes; after it, recovery uses the new snapshot
    /// (or, if the old one is still there too, the newer of the two).
    static func writeSnapshotFile(_ file: SnapshotFile, _ layout: DataDirectoryLayout, _ fs: any FileSystem, _ options: WALOptions) throws {
        try fs.replaceAtomically(layout.snapshotPath(file.index), with: try file.encoded(level: options.compressionLevel),
                                 temp: layout.snapshotTempPath(file.index), directory: layout.snapDirectory,
                                 syncs: !options.skipsSyncForCrashTest)
    }

    /// Once snapshot `index`'s file is durable, on the sync thread: drops the
    /// segments before `keepFrom` and the previous snapshot file. The
    /// promise and `.joined` the dropped segments held were rewritten into
    /// kept ones when the snapshot began, and synced before its file started.
    func finishSnapshot(index: Slot, keepFrom: UInt64) throws {
        precondition(snapshotUnderWay == index, "finishing snapshot \(index), \(snapshotUnderWay.map(String.init) ?? "none") under way")
        snapshotUnderWay = nil
        try compact(keepingFrom: keepFrom, replacingSnapshot: snapshotIndex == index ? nil : snapshotIndex)
        snapshotIndex = index
    }

    private func compact(keepingFrom keepFrom: UInt64, replacingSnapshot oldIndex: Slot?) throws {
        precondition(keepFrom <= segments[segments.count - 1].sequence, "compaction would drop the current segment")
        while let first = segments.first, first.sequence < keepFrom {
            try fs.removeFile(layout.segmentPath(first.sequence))
            segments.removeFirst()
        }
        if let oldIndex { try fs.removeFile(layout.snapshotPath(oldIndex)) }
        // Not needed for safety (recovery removes leftovers), but keeps the disk bounded across crashes.
        try Self.syncDirectory(layout.walDirectory, fs, options)
        try Self.syncDirectory(layout.snapDirectory, fs, options)
    }

    /// Writes the buffered frames at the current segment's logical end, over its zeros.
    private func flush() throws {
        guard !buffer.isEmpty else { return }
        let end = segments[segments.count - 1].bytes
        try buffer.withUnsafeBytes { try current.write($0, at: end - buffer.count) }
        buffer.removeAll(keepingCapacity: true)
        hasUnsyncedBytes = true
        assert(current.size >= end, "segment file shorter than its records")
    }

    /// Seals the full segment and syncs it, then starts the next one. The
    /// seal is durable before the next segment exists, so before any record
    /// in it can be reported durable: recovery can then refuse every
    /// non-last segment without one (`LogRecovery.scanSegment`).
    private func rotate() throws {
        let full = segments[segments.count - 1]
        appendFrame(Seal(length: full.bytes, records: full.records).encoded(), kind: RecordFrame.kindSeal)
        try sync()
        try startNextSegment()
    }

    /// Closes the sealed current segment and starts the next: the spare the
    /// preparer made ready (waiting if it is still being written), or, if
    /// there is none, one created here.
    private func startNextSegment() throws {
        current.close()
        let next = segments[segments.count - 1].sequence + 1
        let (file, segment) = try Self.createSegment(next, spare: preparer.take(next), layout, fs, options)
        current = file
        segments.append(segment)
        durableBytes = SegmentHeader.bytes  // created with its header synced
    }

    /// Installs segment `sequence` with a fresh salt (`SegmentFiles`): the
    /// `spare` header when the preparer has synced its temp file, else a
    /// new one written and synced here. Either way a `<seq>.wal` always
    /// starts with a durable header and zeros (a crash leaves at most a
    /// `.wal.tmp`, which recovery removes), and its directory entry is
    /// durable before any record in it can be reported durable.
    private static func createSegment(_ sequence: UInt64, spare: SegmentHeader?, _ layout: DataDirectoryLayout,
                                      _ fs: any FileSystem, _ options: WALOptions) throws -> (any AppendableFile, Segment) {
        let header: SegmentHeader
        if let spare {
            header = spare
        } else {
            header = SegmentHeader.makeRandom()
            let completed = try SegmentFiles.writeTemp(sequence, header: header, layout, fs, options, syncsEachChunk: false)
            precondition(completed, "segment creation stopped without being asked to")
        }
        let file = try SegmentFiles.install(sequence, layout, fs, options)
        return (file, Segment(sequence: sequence, salt: header.salt, maxSlot: 0, bytes: SegmentHeader.bytes, records: 0))
    }

    func close() {
        preparer.stop()
        current.close()
    }

    private static func syncDirectory(_ path: String, _ fs: any FileSystem, _ options: WALOptions) throws {
        if !options.skipsSyncForCrashTest { try fs.syncDirectory(path) }
    }
}
