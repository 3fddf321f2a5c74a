/// Paths inside a data directory (DESIGN.md Part 1): `LOCK`, `wal/<seq>.wal`
/// and `snap/<index>.snap`, numbers zero-padded to 20 digits so names sort.
struct DataDirectoryLayout {
    let root: String

    var lockPath: String { root + "/LOCK" }
    var walDirectory: String { root + "/wal" }
    var snapDirectory: String { root + "/snap" }

    func segmentPath(_ sequence: UInt64) -> String { walDirectory + "/" + Self.padded(sequence) + ".wal" }
    /// A segment being created; renamed to `segmentPath` once its header is durable.
    func segmentTempPath(_ sequence: UInt64) -> String { segmentPath(sequence) + ".tmp" }
    func snapshotPath(_ index: UInt64) -> String { snapDirectory + "/" + Self.padded(index) + ".snap" }
    func snapshotTempPath(_ index: UInt64) -> String { snapshotPath(index) + ".tmp" }

    static func padded(_ n: UInt64) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// The number in "<digits><suffix>", or nil for any other name.
    static func number(in name: String, suffix: String) -> UInt64? {
        guard name.hasSuffix(suffix) else { return nil }
        let stem = name.dropLast(suffix.count)
        guard !stem.isEmpty, stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(stem)
    }
}
