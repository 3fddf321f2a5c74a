import Glibc
import Storage

/// The monotonic clock in nanoseconds: every time in a history uses it.
func monotonicNs() -> Int64 { Int64(monotonicNanoseconds()) }

func monotonicMs() -> UInt64 { monotonicNanoseconds() / 1_000_000 }

/// Sleeps for `ms` milliseconds (the nemesis's schedule, client backoff).
func sleepMs(_ ms: Int) {
    guard ms > 0 else { return }
    usleep(useconds_t(min(ms, 1_000) * 1_000))
    if ms > 1_000 { sleepMs(ms - 1_000) }
}

/// Polls `condition` every 20 ms until it holds or `timeoutMs` passes.
func waitUntil(timeoutMs: UInt64, _ condition: () -> Bool) -> Bool {
    let deadline = monotonicMs() + timeoutMs
    while true {
        if condition() { return true }
        if monotonicMs() >= deadline { return false }
        usleep(20_000)
    }
}
