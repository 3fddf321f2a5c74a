import Glibc
import Posix

/// `FileSystem` over the real system calls.
public struct PosixFileSystem: FileSystem {
    public init() {}

    public func createDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        guard code == EEXIST else { throw IOError(errnoCode: code, reason: "mkdir \(path)") }
    }

    public func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw IOError(errnoCode: errno, reason: "opendir \(path)") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public func readFile(_ path: String) throws -> [UInt8] {
        try Posix.readFile(path)
    }

    public func openForAppending(_ path: String, create: Bool) throws -> any AppendableFile {
        let flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = try syscallValue("open \(path)") { Int(open(path, flags, 0o644)) }
        var info = stat()
        do {
            try syscallValue("fstat \(path)") { Int(fstat(Int32(fd), &info)) }
        } catch {
            Glibc.close(Int32(fd))
            throw error
        }
        return PosixFile(fd: Int32(fd), path: path, size: Int(info.st_size))
    }

    public func rename(_ from: String, to: String) throws {
        try syscallValue("rename \(from)") { Int(Glibc.rename(from, to)) }
    }

    public func removeFile(_ path: String) throws {
        if unlink(path) == 0 { return }
        let code = errno
        guard code == ENOENT else { throw IOError(errnoCode: code, reason: "unlink \(path)") }
    }

    public func syncDirectory(_ path: String) throws {
        let fd = try syscallValue("open \(path)") { Int(open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) }
        defer { Glibc.close(Int32(fd)) }
        try syscallValue("fsync \(path)") { Int(fsync(Int32(fd))) }
    }
}

/// A file descriptor written with pwrite; its size is tracked, not asked for.
final class PosixFile: AppendableFile {
    private var fd: Int32
    private let path: String
    private(set) var size: Int

    init(fd: Int32, path: String, size: Int) {
        precondition(fd >= 0 && size >= 0, "bad file")
        self.fd = fd
        self.path = path
        self.size = size
    }

    deinit { assert(fd < 0, "file \(path) not closed") }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        precondition(fd >= 0, "write to closed file")
        precondition(offset >= 0 && offset <= size, "write leaves a hole")
        var done = 0
        while done < bytes.count {
            let n = try syscallValue("write \(path)") {
                pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            }
            precondition(n > 0, "pwrite wrote nothing")
            done += n
        }
        size = max(size, offset + done)
    }

    func dataSync() throws {
        try syscallValue("fdatasync \(path)") { Int(fdatasync(fd)) }
    }

    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
