import Glibc

/// The two clocks the runtime reads. Timers use the monotonic one; the wall
/// clock only stamps batches (log time) and log lines.
public enum Clock {
    /// Milliseconds since an arbitrary point; never goes back.
    public static func monotonicMs() -> UInt64 { read(CLOCK_MONOTONIC) }

    /// Milliseconds since the Unix epoch (UTC).
    public static func wallMs() -> UInt64 { read(CLOCK_REALTIME) }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var ts = timespec()
        let rc = clock_gettime(clock, &ts)
        precondition(rc == 0, "clock_gettime failed")
        return UInt64(ts.tv_sec) * 1_000 + UInt64(ts.tv_nsec) / 1_000_000
    }
}
