/// Creating a WAL segment file. A segment is born preallocated: its header,
/// then real zero bytes (written, not fallocate'd: an unwritten extent would
/// still need a metadata change on its first write) up to
/// `WALOptions.segmentBytes`, all synced while it is still `<seq>.wal.tmp`,
/// then renamed into place and the directory synced. Records then overwrite
/// the zeros, so an fdatasync after them has no file size or extent to
/// commit, only data. A crash at any point before the rename leaves a
/// `.wal.tmp`, which recovery removes; after it, the segment is a header and
/// zeros, which recovery reads as an empty segment.
enum SegmentFiles {
    /// The largest chunk of zeros written at once (`WALOptions.zeroChunkBytes`,
    /// which defaults to it). A spare is synced after every chunk: 256 KiB
    /// kept the p99 of 64 appenders near that of creating segments at
    /// rotation, where 1 MiB chunks raised it (`storage-bench --rotation`).
    static let zeroChunkBytesMax = 256 << 10
    private static let zeros = [UInt8](repeating: 0, count: zeroChunkBytesMax)

    /// The size a new segment is created at.
    static func preallocatedBytes(_ options: WALOptions) -> Int {
        max(options.segmentBytes, SegmentHeader.bytes)
    }

    /// Writes `<sequence>.wal.tmp` (header, then zeros to the preallocated
    /// size) and syncs it. `syncsEachChunk` syncs after every chunk, so a
    /// segment prepared ahead never puts more than one chunk in the disk's
    /// queue in front of the log's own small syncs. Returns false (the temp
    /// file left incomplete) when `shouldStop` says so between chunks.
    static func writeTemp(_ sequence: UInt64, header: SegmentHeader, _ layout: DataDirectoryLayout, _ fs: any FileSystem,
                          _ options: WALOptions, syncsEachChunk: Bool, shouldStop: () -> Bool = { false }) throws -> Bool {
        let temp = layout.segmentTempPath(sequence)
        try fs.removeFile(temp)
        let out = try fs.openForAppending(temp, create: true)
        defer { out.close() }
        precondition(out.size == 0, "new segment \(sequence) is not empty")
        try header.encoded().withUnsafeBytes { try out.append($0) }
        let completed = try writeZeros(out, from: SegmentHeader.bytes, to: preallocatedBytes(options), options,
                                       syncsEachChunk: syncsEachChunk, shouldStop: shouldStop)
        if completed && !syncsEachChunk && !options.skipsSyncForCrashTest { try out.dataSync() }
        return completed
    }

    /// Renames a synced `<sequence>.wal.tmp` into place and syncs the
    /// directory, so its entry is durable before any record in it can be
    /// reported durable. Returns the segment opened for writing.
    static func install(_ sequence: UInt64, _ layout: DataDirectoryLayout, _ fs: any FileSystem,
                        _ options: WALOptions) throws -> any AppendableFile {
        let path = layout.segmentPath(sequence)
        try fs.rename(layout.segmentTempPath(sequence), to: path)
        if !options.skipsSyncForCrashTest { try fs.syncDirectory(layout.walDirectory) }
        let file = try fs.openForAppending(path, create: false)
        precondition(file.size == preallocatedBytes(options), "new segment \(sequence) is not at its preallocated size")
        return file
    }

    /// Writes zeros over (or past the end of) `file` in `start..<end`.
    /// Returns false if `shouldStop` said so between chunks.
    @discardableResult
    static func writeZeros(_ file: any AppendableFile, from start: Int, to end: Int, _ options: WALOptions,
                           syncsEachChunk: Bool, shouldStop: () -> Bool = { false }) throws -> Bool {
        let chunk = min(max(options.zeroChunkBytes, 1), zeroChunkBytesMax)
        var offset = start
        while offset < end {
            if shouldStop() { return false }
            let count = min(chunk, end - offset)
            try zeros.withUnsafeBytes { try file.write(UnsafeRawBufferPointer(rebasing: $0[0..<count]), at: offset) }
            offset += count
            if syncsEachChunk && !options.skipsSyncForCrashTest { try file.dataSync() }
        }
        return true
    }
}
