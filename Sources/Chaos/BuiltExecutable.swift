import Glibc

/// The path of `name` from the same build as the running program: in its
/// directory or, for a test bundle (…/PaxosKVPackageTests.xctest/…), in a
/// parent directory. nil when there is none.
public func builtExecutable(_ name: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4_096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return nil }
    let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var dir = exe[..<(exe.lastIndex(of: "/") ?? exe.endIndex)]
    while !dir.isEmpty {
        let candidate = String(dir) + "/" + name
        if access(candidate, X_OK) == 0 { return candidate }
        guard let slash = dir.lastIndex(of: "/") else { break }
        dir = dir[..<slash]
    }
    return nil
}
