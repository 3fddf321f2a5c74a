import PaxosCore

/// A snapshot on disk (`snap/<index>.snap`):
///
///     "PXSNAP01" | u32 meta length | meta | zlib data | u32 CRC-32 of all before it
///
/// meta = u64 index, ballot promised, u64 first segment, u64 raw data length.
/// `firstSegment` is the oldest WAL segment recovery needs with this
/// snapshot; older ones were compacted away.
struct SnapshotFile: Equatable {
    var index: Slot
    var promised: Ballot
    var firstSegment: UInt64
    var data: [UInt8]

    static let magic: [UInt8] = Array("PXSNAP01".utf8)
    static let rawBytesMax = 1 << 40

    func encoded(level: Int32) throws -> [UInt8] {
        var meta = ByteWriter()
        meta.u64(index)
        meta.ballot(promised)
        meta.u64(firstSegment)
        meta.u64(UInt64(data.count))
        let compressed = try Zlib.compress(data, level: level)
        var w = ByteWriter(capacity: compressed.count + 64)
        w.raw(Self.magic)
        w.blob(meta.bytes)
        w.raw(compressed)
        w.u32(crc32Checksum(w.bytes, 0..<w.bytes.count))
        return w.bytes
    }

    /// Decodes and verifies a snapshot file; throws a reason on any damage.
    init(decoding bytes: [UInt8]) throws {
        guard bytes.count >= Self.magic.count + 8 else { throw DecodeError.invalid("file too short (\(bytes.count) bytes)") }
        let body = bytes.count - 4
        var trailer = ByteReader(bytes, offset: body)
        guard try trailer.u32() == crc32Checksum(bytes, 0..<body) else { throw DecodeError.invalid("checksum mismatch") }
        guard Array(bytes[0..<Self.magic.count]) == Self.magic else { throw DecodeError.invalid("bad magic") }
        var r = ByteReader(bytes, offset: Self.magic.count)
        var meta = ByteReader(try r.blob(limit: 1024))
        index = try meta.u64()
        promised = try meta.ballot()
        firstSegment = try meta.u64()
        let rawBytes = try meta.u64()
        guard rawBytes <= UInt64(Self.rawBytesMax), r.offset <= body else {
            throw DecodeError.invalid("bad metadata")
        }
        data = try Zlib.uncompress(bytes[r.offset..<body], rawBytes: Int(rawBytes))
    }

    init(index: Slot, promised: Ballot, firstSegment: UInt64, data: [UInt8]) {
        self.index = index
        self.promised = promised
        self.firstSegment = firstSegment
        self.data = data
    }
}
