/// `GET /health`: healthy when the node votes, knows a leader and has
/// applied to within `maxLag` slots of the leader's commit point (as far as
/// this node has heard it).
public struct HealthVerdict: Sendable, Equatable {
    public var isHealthy: Bool
    /// `ok`, or one line saying why not.
    public var reason: String

    public init(isVoter: Bool, leaderID: Int?, commitIndex: UInt64, applied: UInt64, maxLag: UInt64) {
        if !isVoter {
            self.init(false, "not a voter: a learner catching up before it may vote")
        } else if leaderID == nil {
            self.init(false, "no leader known (election in progress or cut off from the majority)")
        } else if commitIndex > applied && commitIndex - applied > maxLag {
            self.init(false, "applied \(applied) is \(commitIndex - applied) slots behind the leader's commit \(commitIndex) (health_max_lag \(maxLag))")
        } else {
            self.init(true, "ok")
        }
    }

    private init(_ isHealthy: Bool, _ reason: String) {
        self.isHealthy = isHealthy
        self.reason = reason
    }
}
