extension FileSystem {
    /// Replaces `path` with `bytes` so that a crash leaves either the old
    /// file or the whole new one: write `temp`, fdatasync it, rename it over
    /// `path`, fsync `directory`. A leftover `temp` is the caller's to clean
    /// up (recovery removes `.snap.tmp` files). `syncs` false only for the
    /// crash test that shows the syncs matter.
    func replaceAtomically(_ path: String, with bytes: [UInt8], temp: String, directory: String, syncs: Bool = true) throws {
        try removeFile(temp)
        let out = try openForAppending(temp, create: true)
        defer { out.close() }
        try bytes.withUnsafeBytes { try out.append($0) }
        if syncs { try out.dataSync() }
        try rename(temp, to: path)
        if syncs { try syncDirectory(directory) }
    }
}
