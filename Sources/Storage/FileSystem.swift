/// The only file operations the storage layer uses. Production code uses
/// `PosixFileSystem`; crash tests swap in a file system that forgets every
/// byte not yet synced, because `kill -9` alone cannot show a missing fsync.
/// Paths are plain strings joined with "/".
public protocol FileSystem: Sendable {
    /// Creates one directory; succeeds when it already exists.
    func createDirectory(_ path: String) throws
    /// Names (not paths) of the entries in a directory, in no particular order.
    func listDirectory(_ path: String) throws -> [String]
    func readFile(_ path: String) throws -> [UInt8]
    /// Opens a file for writing (`AppendableFile`); `size` is its current length.
    func openForAppending(_ path: String, create: Bool) throws -> any AppendableFile
    /// Atomically replaces `to` with `from`; durable once the directory is synced.
    func rename(_ from: String, to: String) throws
    /// Removes a file; succeeds when it is already gone.
    func removeFile(_ path: String) throws
    /// fsync of a directory: makes creations, renames and removals in it durable.
    func syncDirectory(_ path: String) throws
}

/// An open file written at its end or over bytes already in it (a WAL
/// segment is preallocated with zeros and its records overwrite them). Used
/// by one thread at a time.
public protocol AppendableFile: AnyObject {
    /// Bytes in the file, including written bytes not yet synced.
    var size: Int { get }
    /// Writes all of `bytes` at `offset` (at most `size`; loops over short
    /// writes), overwriting what is there and growing the file if it runs past the end.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws
    /// fdatasync: every byte written so far, and the size, is durable on return.
    func dataSync() throws
    func close()
}

extension AppendableFile {
    /// Writes all of `bytes` at the end.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        try write(bytes, at: size)
    }
}
