/// Why the data directory cannot be opened. The daemon prints the
/// description as `paxosd: <description>` and exits with status 3.
public enum StorageError: Error, CustomStringConvertible, Equatable {
    /// A damaged record before the tail of the log, a missing segment, a
    /// segment before the last without its seal, or a segment header that
    /// is damaged or of a format this build does not read.
    case corruptLog(file: String, offset: Int, reason: String)
    /// The newest snapshot fails its checksum or cannot be decoded.
    case corruptSnapshot(file: String, reason: String)
    /// Another process holds the `LOCK` file of the data directory.
    case directoryLocked(path: String)

    public var description: String {
        switch self {
        case .corruptLog(let file, let offset, let reason):
            return "corrupt write-ahead log \(file) at offset \(offset): \(reason)"
        case .corruptSnapshot(let file, let reason):
            return "corrupt snapshot \(file): \(reason)"
        case .directoryLocked(let path):
            return "data directory \(path) is in use by another process (\(path)/LOCK is locked)"
        }
    }
}
