import PaxosCore

/// The files of the log as the sync thread sees them: writes records into
/// segments, rotates, syncs, writes snapshots and compacts. Used only by
/// the sync thread (and by `open` before that thread starts).
final class SegmentWriter {
    struct Segment {
        let sequence: UInt64
        /// Highest accept slot in the segment (0: none); compaction deletes a
        /// segment only when this is at or below the snapshot index.
        var maxSlot: Slot
        var bytes: Int
    }

    private let layout: DataDirectoryLayout
    private let fs: any FileSystem
    private let options: WALOptions
    /// Oldest first; never empty; the last is being appended to.
    private(set) var segments: [Segment]
    private var current: any AppendableFile
    /// Frames written since the last flush; flushed before every sync.
    private var buffer: [UInt8] = []
    /// Bytes appended to `current` since its last fdatasync.
    private var hasUnsyncedBytes = false
    /// The highest ballot in any record ever written or recovered.
    private(set) var maxPromised: Ballot
    private var snapshotIndex: Slot?

    private static let bufferBytesMax = 1 << 20

    /// Opens the log where recovery left it: removes leftovers, cuts a torn
    /// tail, and reopens the last segment (or creates the first).
    init(resuming plan: RecoveryPlan, layout: DataDirectoryLayout, fileSystem fs: any FileSystem, options: WALOptions) throws {
        self.layout = layout
        self.fs = fs
        self.options = options
        maxPromised = plan.state.promised
        snapshotIndex = plan.snapshotIndex
        for path in plan.obsoletePaths { try fs.removeFile(path) }
        if !plan.obsoletePaths.isEmpty {
            try Self.syncDirectory(layout.walDirectory, fs, options)
            try Self.syncDirectory(layout.snapDirectory, fs, options)
        }
        if let last = plan.segments.last {
            segments = plan.segments.map { Segment(sequence: $0.sequence, maxSlot: $0.maxSlot, bytes: $0.validBytes) }
            current = try fs.openForAppending(layout.segmentPath(last.sequence), create: false)
            if current.size > last.validBytes {
                try current.truncate(to: last.validBytes)
                if !options.skipsSyncForCrashTest { try current.dataSync() }
            }
        } else {
            segments = [Segment(sequence: plan.firstSegment, maxSlot: 0, bytes: 0)]
            current = try fs.openForAppending(layout.segmentPath(plan.firstSegment), create: true)
            try Self.syncDirectory(layout.walDirectory, fs, options)
        }
        precondition(current.size == segments[segments.count - 1].bytes, "segment size disagrees with recovery")
    }

    var totalBytes: Int { segments.reduce(0) { $0 + $1.bytes } }

    /// Adds one encoded frame after everything written before it.
    func write(frame: [UInt8], slot: Slot, ballot: Ballot) throws {
        precondition(frame.count > RecordFrame.headerBytes, "empty frame")
        let last = segments.count - 1
        if segments[last].bytes > 0 && segments[last].bytes + frame.count > options.segmentBytes {
            try rotate()
        }
        buffer.append(contentsOf: frame)
        segments[segments.count - 1].bytes += frame.count
        segments[segments.count - 1].maxSlot = max(segments[segments.count - 1].maxSlot, slot)
        maxPromised = max(maxPromised, ballot)
        if buffer.count >= Self.bufferBytesMax { try flush() }
    }

    /// Makes everything written so far durable (one fdatasync).
    func sync() throws {
        try flush()
        guard hasUnsyncedBytes else { return }
        if !options.skipsSyncForCrashTest { try current.dataSync() }
        hasUnsyncedBytes = false
    }

    /// Writes a snapshot (temp, fsync, rename, fsync dir), rewrites the
    /// promise into the newest segment, then drops what the snapshot covers.
    func writeSnapshot(index: Slot, promised: Ballot, data: [UInt8]) throws {
        maxPromised = max(maxPromised, promised)
        if let previous = snapshotIndex, index < previous {
            // An older snapshot than the one on disk adds nothing but its promise.
            try write(frame: RecordFrame.encode(.promise(maxPromised)), slot: 0, ballot: maxPromised)
            return
        }
        try sync()
        // Only a prefix of segments may go: recovery needs the rest contiguous.
        var keepFrom = segments[segments.count - 1].sequence
        for segment in segments where segment.maxSlot > index {
            keepFrom = segment.sequence
            break
        }
        let file = SnapshotFile(index: index, promised: maxPromised, firstSegment: keepFrom, data: data)
        let bytes = try file.encoded(level: options.compressionLevel)
        let temp = layout.snapshotTempPath(index)
        try fs.removeFile(temp)
        let out = try fs.openForAppending(temp, create: true)
        defer { out.close() }
        try bytes.withUnsafeBytes { try out.append($0) }
        if !options.skipsSyncForCrashTest { try out.dataSync() }
        try fs.rename(temp, to: layout.snapshotPath(index))
        try Self.syncDirectory(layout.snapDirectory, fs, options)
        // The snapshot holds the promise too; the log keeps it as well.
        try write(frame: RecordFrame.encode(.promise(maxPromised)), slot: 0, ballot: maxPromised)
        try sync()
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

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try current.append($0) }
        buffer.removeAll(keepingCapacity: true)
        hasUnsyncedBytes = true
        assert(current.size == segments[segments.count - 1].bytes, "segment size drifted")
    }

    /// Syncs the full segment, then starts the next one; its directory entry
    /// is synced before any record in it can be reported durable.
    private func rotate() throws {
        try sync()
        current.close()
        let next = segments[segments.count - 1].sequence + 1
        current = try fs.openForAppending(layout.segmentPath(next), create: true)
        precondition(current.size == 0, "new segment \(next) is not empty")
        segments.append(Segment(sequence: next, maxSlot: 0, bytes: 0))
        try Self.syncDirectory(layout.walDirectory, fs, options)
    }

    func close() {
        current.close()
    }

    private static func syncDirectory(_ path: String, _ fs: any FileSystem, _ options: WALOptions) throws {
        if !options.skipsSyncForCrashTest { try fs.syncDirectory(path) }
    }
}
