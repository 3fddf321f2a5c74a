import Glibc
import Posix
import Storage

/// The disk's own cost of one small write plus fdatasync, in milliseconds
/// (medians of `count` calls each), measured with the same system calls
/// the WAL uses, two ways in alternation so both see the same load:
/// appending (each sync also commits the new file size through the
/// journal, as the WAL did before segments were preallocated) and
/// overwriting a preallocated, zero-filled file (as the WAL does now: the
/// sync writes data only).
func measureSyncLatency(directory: String, count: Int = 200) throws -> (appending: Double, overwriting: Double) {
    let record = [UInt8](repeating: 0x5A, count: 128)
    let fs = PosixFileSystem()
    let appendPath = directory + "/fdatasync-probe-append"
    let overwritePath = directory + "/fdatasync-probe-overwrite"
    let appending = try fs.openForAppending(appendPath, create: true)
    let overwriting = try fs.openForAppending(overwritePath, create: true)
    defer {
        appending.close()
        overwriting.close()
        unlink(appendPath)
        unlink(overwritePath)
    }
    let zeros = [UInt8](repeating: 0, count: count * record.count)
    try zeros.withUnsafeBytes { try overwriting.append($0) }
    try overwriting.dataSync()
    var appendSamples: [Double] = []
    var overwriteSamples: [Double] = []
    for i in 0..<count {
        appendSamples.append(try timeWriteAndSync(record, appending, at: appending.size))
        overwriteSamples.append(try timeWriteAndSync(record, overwriting, at: i * record.count))
    }
    return (median(appendSamples), median(overwriteSamples))
}

private func timeWriteAndSync(_ record: [UInt8], _ file: any AppendableFile, at offset: Int) throws -> Double {
    let start = SystemClock.monotonicNs()
    try record.withUnsafeBytes { try file.write($0, at: offset) }
    try file.dataSync()
    return Double(SystemClock.monotonicNs() - start) / 1e6
}
