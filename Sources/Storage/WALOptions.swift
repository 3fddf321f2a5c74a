import Glibc

/// Tuning and test hooks of a `WriteAheadLog`.
public struct WALOptions: Sendable {
    /// A new segment starts once the current one holds this many bytes of
    /// records; each segment file is created at this size, zero-filled.
    public var segmentBytes: Int
    /// Prepares the next segment (zero fill and syncs) on a background
    /// thread once the current one is half full, so rotation only renames
    /// it. Off, rotation creates it on the sync thread, in front of the
    /// records waiting there; `storage-bench --rotation` compares the two.
    public var preparesNextSegment = true
    /// zlib level for snapshots (1 = fastest).
    public var compressionLevel: Int32
    /// Skips every fdatasync/fsync. Only for the test that shows the crash
    /// tests catch a missing sync; never set it anywhere else.
    public var skipsSyncForCrashTest: Bool
    /// Called once on a write or sync error (EIO, ENOSPC, ...), from the
    /// sync thread; the log then stops. The default logs and exits with
    /// status 3, because after a failed fsync the page cache may have
    /// dropped the data and retrying would report lost records as durable.
    public var onFatalError: @Sendable (String) -> Void
    /// A new segment's zeros are written (and, ahead of time, synced) this
    /// much at a time; at most `SegmentFiles.zeroChunkBytesMax`. Tests make
    /// it small, to crash between chunks of small segments.
    var zeroChunkBytes = SegmentFiles.zeroChunkBytesMax

    public init(segmentBytes: Int = 16 << 20, compressionLevel: Int32 = 1, skipsSyncForCrashTest: Bool = false,
                onFatalError: @escaping @Sendable (String) -> Void = WALOptions.exitOnFatalError) {
        precondition(segmentBytes > 0, "segmentBytes must be positive")
        precondition(compressionLevel >= 0 && compressionLevel <= 9, "zlib level is 0...9")
        self.segmentBytes = segmentBytes
        self.compressionLevel = compressionLevel
        self.skipsSyncForCrashTest = skipsSyncForCrashTest
        self.onFatalError = onFatalError
    }

    public static let exitOnFatalError: @Sendable (String) -> Void = { message in
        let line = Array("paxosd: fatal: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(3)
    }
}
