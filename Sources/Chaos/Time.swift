import Glibc
import Posix

/// The monotonic clock in nanoseconds: every time in a history uses it.
func monotonicNs() -> Int64 { Int64(SystemClock.monotonicNs()) }

/// Sleeps for `ms` milliseconds (the nemesis's schedule, client backoff).
func sleepMs(_ ms: Int) {
    guard ms > 0 else { return }
    usleep(useconds_t(min(ms, 1_000) * 1_000))
    if ms > 1_000 { sleepMs(ms - 1_000) }
}

/// Polls `condition` every 20 ms until it holds (true) or the monotonic
/// clock passes `deadlineNs` (false).
func waitUntil(deadlineNs: Int64, _ condition: () -> Bool) -> Bool {
    while true {
        if condition() { return true }
        if monotonicNs() >= deadlineNs { return false }
        sleepMs(20)
    }
}

/// `waitUntil(deadlineNs:)` `timeoutMs` from now.
func waitUntil(timeoutMs: Int64, _ condition: () -> Bool) -> Bool {
    waitUntil(deadlineNs: monotonicNs() + timeoutMs * 1_000_000, condition)
}

/// Sleeps until the monotonic clock reaches `deadlineNs` (at once if it has).
func sleepUntil(ns deadlineNs: Int64) {
    let left = deadlineNs - monotonicNs()
    if left > 0 { sleepMs(Int(left / 1_000_000)) }
}
