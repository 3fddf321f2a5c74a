import Glibc

/// The two clocks PaxosKV reads, in one place. Timers, latencies and
/// histories use the monotonic one; the wall clock only stamps batches (log
/// time) and log lines.
public enum SystemClock {
    /// Nanoseconds since an arbitrary point; never goes back.
    public static func monotonicNs() -> UInt64 { read(CLOCK_MONOTONIC) }

    /// Microseconds on the monotonic clock (bench latencies).
    public static func monotonicMicros() -> UInt64 { monotonicNs() / 1_000 }

    /// Milliseconds on the monotonic clock (the event loop's timers).
    public static func monotonicMs() -> UInt64 { monotonicNs() / 1_000_000 }

    /// Milliseconds since the Unix epoch (UTC).
    public static func wallMs() -> UInt64 { read(CLOCK_REALTIME) / 1_000_000 }

    private static func read(_ clock: clockid_t) -> UInt64 {
        var ts = timespec()
        let rc = clock_gettime(clock, &ts)
        precondition(rc == 0, "clock_gettime failed")
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
