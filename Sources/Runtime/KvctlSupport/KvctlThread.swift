import Glibc
import Storage

/// Bench clients block on sockets, so each gets a real thread.
public typealias KvctlThread = PosixThread

/// Microseconds on the monotonic clock, for latencies.
func monotonicMicros() -> UInt64 {
    var ts = timespec()
    let rc = clock_gettime(CLOCK_MONOTONIC, &ts)
    precondition(rc == 0, "clock_gettime failed")
    return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1_000
}
