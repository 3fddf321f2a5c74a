import Client
import Glibc
import Posix

/// stdout, stderr, stdin and argv as bytes: values are binary-safe.
enum Output {
    static func bytes(_ data: [UInt8]) {
        write(data, to: STDOUT_FILENO)
    }

    static func text(_ string: String) {
        write(Array(string.utf8), to: STDOUT_FILENO)
    }

    /// A message line on stderr.
    static func error(_ line: String) {
        write(Array((line + "\n").utf8), to: STDERR_FILENO)
    }

    static func errorRaw(_ string: String) {
        write(Array(string.utf8), to: STDERR_FILENO)
    }

    /// A key for a message: invalid UTF-8 and control bytes escaped.
    static func printable(_ bytes: [UInt8]) -> String {
        var out = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            out += scalar.properties.generalCategory == .control ? scalar.escaped(asASCII: true) : String(scalar)
        }
        return out
    }

    /// All of stdin, for `put KEY -`.
    static func readStdin() throws(KvctlFailure) -> [UInt8] {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                data += chunk[0..<n]
            } else if n == 0 {
                return data
            } else if errno != EINTR {
                throw KvctlFailure(.usage, "reading stdin: \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func write(_ data: [UInt8], to fd: CInt) {
        // A closed stdout (kvctl get k | head -c0) is not worth an error.
        data.withUnsafeBytes { raw in
            do throws(IOError) { try Posix.writeAll(fd, raw) } catch {}
        }
    }
}

/// The program's arguments as bytes, without the program name.
func rawArguments() -> [[UInt8]] {
    (1..<Int(CommandLine.argc)).map { i in
        guard let pointer = CommandLine.unsafeArgv[i] else { return [] }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                                         count: strlen(pointer)))
    }
}

func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

func strerrorText(_ code: CInt) -> UnsafeMutablePointer<CChar> {
    strerror(code)
}
