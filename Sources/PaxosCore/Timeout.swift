/// A timeout on the core's tick clock, in milliseconds, as a plain value
/// (TigerBeetle's `Timeout`): started at one instant, it has expired once
/// `durationMs` have passed. What it marks (a contact, a send) is fresh up
/// to and including that instant, so at exactly `startMs + durationMs` both
/// hold; each caller keeps the side of that instant it always had, or the
/// same seed would no longer give the same run.
struct Timeout: Equatable {
    let durationMs: UInt64
    private(set) var startMs: UInt64

    init(_ durationMs: UInt64, startingAt startMs: UInt64 = 0) {
        self.durationMs = durationMs
        self.startMs = startMs
    }

    /// Starts over from `nowMs`.
    mutating func start(at nowMs: UInt64) {
        // The tick clock is monotonic within an incarnation (`Replica.step` checks it).
        precondition(nowMs >= startMs, "a timeout restarted in the past")
        startMs = nowMs
    }

    /// `durationMs` have passed since the start: time to act.
    func hasExpired(at nowMs: UInt64) -> Bool { nowMs >= startMs + durationMs }

    /// At most `durationMs` have passed since the start: what it marks still counts.
    func isFresh(at nowMs: UInt64) -> Bool { nowMs <= startMs + durationMs }
}
