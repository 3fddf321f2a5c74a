import CLinux

extension Posix {
    /// Hands the allocator's free pages back to the kernel. glibc keeps freed
    /// memory in its arenas; after a snapshot drops a compacted log (many
    /// small chunks, spread through the heap) resident memory would otherwise
    /// stay at its peak. malloc_trim(0) madvises every free page away. It
    /// walks the arenas under their locks, so call it off the event loop.
    public static func releaseFreeMemory() {
        _ = malloc_trim(0)
    }
}
