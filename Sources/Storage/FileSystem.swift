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
    /// Opens a file for appending at its current end.
    func openForAppending(_ path: String, create: Bool) throws -> any AppendableFile
    /// Atomically replaces `to` with `from`; durable once the directory is synced.
    func rename(_ from: String, to: String) throws
    /// Removes a file; succeeds when it is already gone.
    func removeFile(_ path: String) throws
    /// fsync of a directory: makes creations, renames and removals in it durable.
    func syncDirectory(_ path: String) throws
}

/// An open file written only at its end. Used by one thread at a time.
public protocol AppendableFile: AnyObject {
    /// Bytes in the file, including appended bytes not yet synced.
    var size: Int { get }
    /// Writes all of `bytes` at the end (loops over short writes).
    func append(_ bytes: UnsafeRawBufferPointer) throws
    /// Cuts the file to `length` bytes (not durable until `dataSync`).
    func truncate(to length: Int) throws
    /// fdatasync: every byte appended so far, and the size, is durable on return.
    func dataSync() throws
    func close()
}
