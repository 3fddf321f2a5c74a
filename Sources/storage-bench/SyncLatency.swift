import Glibc
import Posix
import Storage

/// The disk's own cost of one small append plus fdatasync, in milliseconds
/// (median of `count` calls), measured with the same system calls the WAL uses.
func measureSyncLatency(directory: String, count: Int = 200) throws -> Double {
    let path = directory + "/fdatasync-probe"
    let file = try PosixFileSystem().openForAppending(path, create: true)
    defer {
        file.close()
        unlink(path)
    }
    let record = [UInt8](repeating: 0x5A, count: 128)
    var samples: [Double] = []
    for _ in 0..<count {
        let start = SystemClock.monotonicNs()
        try record.withUnsafeBytes { try file.append($0) }
        try file.dataSync()
        samples.append(Double(SystemClock.monotonicNs() - start) / 1e6)
    }
    return median(samples)
}
