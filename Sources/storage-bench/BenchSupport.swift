import Glibc
import PaxosCore
import Posix
import Storage

/// A fresh directory under `base`, removed by `remove()`.
struct ScratchDirectory {
    let path: String

    init(base: String, name: String) {
        var template = Array("\(base)/.storage-bench-\(name)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp in \(base) failed")
        path = String(cString: made!)
    }

    func remove() {
        _ = system("rm -rf '\(path)'")
    }

    /// Bytes in the regular files of the directory tree (LOCK, wal/, snap/).
    func totalBytes() -> Int {
        var total = 0
        for sub in ["", "/wal", "/snap"] {
            guard let dir = opendir(path + sub) else { continue }
            while let entry = readdir(dir) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                var info = stat()
                if stat(path + sub + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG {
                    total += Int(info.st_size)
                }
            }
            closedir(dir)
        }
        return total
    }
}

func seconds(since start: UInt64) -> Double {
    Double(SystemClock.monotonicNs() - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of nothing")
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func mib(_ bytes: Int) -> String {
    let tenths = (bytes * 10) >> 20
    return "\(tenths / 10).\(tenths % 10) MiB"
}

func fixed(_ value: Double, _ decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = Int((value * scale).rounded())
    guard decimals > 0 else { return String(scaled) }
    let fraction = String(abs(scaled) % Int(scale))
    return "\(scaled / Int(scale)).\(String(repeating: "0", count: decimals - fraction.count))\(fraction)"
}

func ballotRecordValue(_ slot: Slot, payload: [UInt8]) -> Value {
    .batch(timeMs: slot, requests: [Request(id: RequestID(origin: 1, serial: slot), payload: payload)])
}

/// One line on stderr, straight to fd 2.
func printError(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// One line on stdout, unbuffered: a parent that kills us reads every
/// line written before the kill.
func printNow(_ message: String) {
    let line = Array((message + "\n").utf8)
    line.withUnsafeBytes { buffer in
        var done = 0
        while done < buffer.count {
            let n = write(1, buffer.baseAddress! + done, buffer.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return }
            done += n
        }
    }
}
