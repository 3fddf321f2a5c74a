import Glibc

/// `FileSystem` over the real system calls.
public struct PosixFileSystem: FileSystem {
    public init() {}

    public func createDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        guard code == EEXIST else { throw SystemError(operation: "mkdir", path: path, code: code) }
    }

    public func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw SystemError(operation: "opendir", path: path, code: errno) }
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
        let fd = try retryingInterrupts("open", path) { Int(open(path, O_RDONLY | O_CLOEXEC)) }
        defer { Glibc.close(Int32(fd)) }
        var info = stat()
        try retryingInterrupts("fstat", path) { Int(fstat(Int32(fd), &info)) }
        let length = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: length)
        var done = 0
        while done < length {
            let n = try bytes.withUnsafeMutableBytes { buf in
                try retryingInterrupts("read", path) { read(Int32(fd), buf.baseAddress! + done, length - done) }
            }
            if n == 0 { break }  // the file shrank under us
            done += n
        }
        return done == length ? bytes : Array(bytes[0..<done])
    }

    public func openForAppending(_ path: String, create: Bool) throws -> any AppendableFile {
        let flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = try retryingInterrupts("open", path) { Int(open(path, flags, 0o644)) }
        var info = stat()
        do {
            try retryingInterrupts("fstat", path) { Int(fstat(Int32(fd), &info)) }
        } catch {
            Glibc.close(Int32(fd))
            throw error
        }
        return PosixFile(fd: Int32(fd), path: path, size: Int(info.st_size))
    }

    public func rename(_ from: String, to: String) throws {
        try retryingInterrupts("rename", from) { Int(Glibc.rename(from, to)) }
    }

    public func removeFile(_ path: String) throws {
        if unlink(path) == 0 { return }
        let code = errno
        guard code == ENOENT else { throw SystemError(operation: "unlink", path: path, code: code) }
    }

    public func syncDirectory(_ path: String) throws {
        let fd = try retryingInterrupts("open", path) { Int(open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) }
        defer { Glibc.close(Int32(fd)) }
        try retryingInterrupts("fsync", path) { Int(fsync(Int32(fd))) }
    }
}

/// A file descriptor written with pwrite at its tracked end.
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

    func append(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(fd >= 0, "append to closed file")
        var done = 0
        while done < bytes.count {
            let n = try retryingInterrupts("write", path) {
                pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(size + done))
            }
            precondition(n > 0, "pwrite wrote nothing")
            done += n
        }
        size += done
    }

    func truncate(to length: Int) throws {
        precondition(length >= 0 && length <= size, "truncate beyond end")
        try retryingInterrupts("ftruncate", path) { Int(ftruncate(fd, off_t(length))) }
        size = length
    }

    func dataSync() throws {
        try retryingInterrupts("fdatasync", path) { Int(fdatasync(fd)) }
    }

    func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
