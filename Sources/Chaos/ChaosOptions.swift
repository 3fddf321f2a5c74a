/// Everything a chaos run needs to know.
public struct ChaosOptions: Sendable {
    public var nodes: Int = 3
    public var durationSeconds: Int = 60
    public var faults: [FaultKind] = FaultKind.defaults
    public var seed: UInt64 = 1
    /// Logs, config, data directories, history and report go here.
    public var runDirectory: String
    public var daemonPath: String
    /// Starts the daemons with `--unsafe-local-reads` (the checker must say no).
    public var unsafeLocalReads = false
    public var workload = WorkloadOptions()
    /// Wall-clock limit for the linearizability check; past it the verdict is unknown.
    public var checkSeconds: Int = 300
    /// Testing only: partitions cut nothing (the run must then report faults without effect).
    var fakePartitions = false
    /// After healing, how long a write may take before the run calls the cluster stuck.
    public var livenessSeconds: Int = 30

    public init(runDirectory: String, daemonPath: String) {
        self.runDirectory = runDirectory
        self.daemonPath = daemonPath
    }

    /// Config lines for the daemons: a server-side deadline below the
    /// clients' reply timeout, so most unknown outcomes are a clear -TIMEOUT.
    var tuning: [String] {
        ["request_timeout_ms = \(Int(workload.replyTimeoutSeconds * 1_000) * 2 / 3)"]
    }
}
