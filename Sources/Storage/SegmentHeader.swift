import PaxosCore

/// The first bytes of every WAL segment (segment format 3):
///
///     "PXWALSEG" | u32 format version | u64 salt | u32 CRC-32 of the 20 bytes before it
///
/// The salt is drawn at random (getrandom, via `SystemRandomNumberGenerator`)
/// when the segment is created, and every record's CRC covers it
/// (`RecordFrame`). Why: recovery refuses to start when a valid record follows
/// damage (one that says the damaged bytes were durable), but record values are opaque user bytes, and a value may hold a
/// whole frame (a dump of another node's or another segment's log, or bytes
/// crafted to look like one). Without a salt that frame validated as a record
/// of this segment, so a torn last record carrying it looked like corruption
/// before the tail and the node refused to start. With the salt, a frame
/// written under any other segment's salt fails its CRC here (but for the
/// CRC's own 2^-32), and so does one crafted by a user, who never sees the
/// salt: it stays in the file and never leaves the node. A segment's salt is
/// never reused, so a recreated segment does not accept its predecessor's
/// frames either.
///
/// Format 1 was records only, without this header. Format 2 had this header
/// but frames without a durable end and segments without a seal
/// (`RecordFrame`, `Seal`). This build reads format 3 only and refuses
/// anything else with a clear error, naming the file: the upgrade is to wipe
/// the node's data directory and let it rejoin (it comes back as a learner,
/// rule 9, and catches up from its peers).
/// A segment is created as `<seq>.wal.tmp`, its header synced, then renamed:
/// so every `<seq>.wal` starts with a complete header, and a bad one is damage.
struct SegmentHeader: Equatable {
    static let magic: [UInt8] = Array("PXWALSEG".utf8)
    static let formatVersion: UInt32 = 3
    static let bytes = 24

    let salt: UInt64

    init(salt: UInt64) {
        self.salt = salt
    }

    /// A header with a fresh random salt, for a new segment.
    static func makeRandom() -> SegmentHeader {
        var generator = SystemRandomNumberGenerator()
        return SegmentHeader(salt: generator.next())
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.bytes)
        w.raw(Self.magic)
        w.u32(Self.formatVersion)
        w.u64(salt)
        w.u32(crc32Checksum(w.bytes, 0..<w.bytes.count))
        precondition(w.bytes.count == Self.bytes, "segment header size drifted")
        return w.bytes
    }

    /// Decodes the header at the start of a segment file; throws a reason.
    /// The version is checked before the CRC: another version may lay out
    /// the rest differently, and "unsupported version" is what to report.
    init(decoding bytes: [UInt8]) throws {
        guard bytes.count >= Self.bytes else {
            throw DecodeError.invalid("truncated segment header (\(bytes.count) of \(Self.bytes) bytes)")
        }
        guard Array(bytes[0..<Self.magic.count]) == Self.magic else {
            throw DecodeError.invalid("no segment header (segments of format 1, before segment salts, have none; "
                                      + "this build reads format \(Self.formatVersion))")
        }
        var r = ByteReader(bytes, offset: Self.magic.count)
        let version = try r.u32()
        guard version != 2 else {
            throw DecodeError.invalid("segment format 2 (before record durable ends and segment seals); this build reads "
                                      + "format \(Self.formatVersion): wipe this node's data directory and let it rejoin, one node at a time")
        }
        guard version == Self.formatVersion else {
            throw DecodeError.invalid("unsupported segment format version \(version) (this build reads \(Self.formatVersion))")
        }
        let salt = try r.u64()
        let crcOffset = r.offset
        guard try r.u32() == crc32Checksum(bytes, 0..<crcOffset) else {
            throw DecodeError.invalid("segment header checksum mismatch")
        }
        precondition(r.offset == Self.bytes, "segment header layout drifted")
        self.salt = salt
    }
}
