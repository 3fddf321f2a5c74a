import CLinux
import Glibc

extension Posix {
    /// Raises the soft RLIMIT_NOFILE toward `wanted` (up to the hard limit,
    /// or beyond it when the process may raise that) and returns the soft
    /// limit in force afterwards, so the caller can log what it got.
    @discardableResult
    public static func raiseOpenFileLimit(to wanted: UInt64) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur >= wanted { return UInt64(limit.rlim_cur) }
        if wanted > limit.rlim_max {
            // Only privileged processes may raise the hard limit; try, then fall back.
            var both = rlimit(rlim_cur: rlim_t(wanted), rlim_max: rlim_t(wanted))
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &both) == 0 { return wanted }
        }
        var soft = limit
        soft.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &soft) == 0 { return UInt64(soft.rlim_cur) }
        return UInt64(limit.rlim_cur)
    }

    /// The soft RLIMIT_NOFILE now in force.
    public static func openFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        return UInt64(limit.rlim_cur)
    }
}
