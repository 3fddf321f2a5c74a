import Config

/// What one kvctl run does, as parsed from its arguments.
public enum KvctlCommand: Sendable, Equatable {
    case get(key: [UInt8])
    case put(key: [UInt8], value: KvctlValueSource)
    case del(key: [UInt8])
    case cas(key: [UInt8], expected: [UInt8], new: [UInt8])
    case incr(key: [UInt8], by: Int64)
    case status
    case bench(BenchOptions)
    /// `snapshot save FILE`: a backup taken at a read index on the leader.
    case snapshotSave(path: String)
    /// `member list`, `member add ID PEER CLIENT`, `member remove ID`.
    case memberList
    case memberAdd(id: Int, peer: HostPort, client: HostPort)
    case memberRemove(id: Int)
    /// `watch [PREFIX]`: each applied change, until interrupted.
    case watch(prefix: [UInt8])
    /// `trace render FILE...`: a message-sequence chart of trace files (no cluster needed).
    case traceRender(TraceRenderOptions)
    /// `--help`, `help`, `help COMMAND`, `COMMAND --help`.
    case help(topic: String?)

    /// Writes go through `RID`; everything else may be retried freely.
    public var isWrite: Bool {
        switch self {
        case .put, .del, .cas, .incr: true
        case .get, .status, .bench, .snapshotSave, .memberList, .memberAdd, .memberRemove, .help, .watch, .traceRender: false
        }
    }
}

/// Where `put` takes its value from: the argument, or stdin for `-`.
public enum KvctlValueSource: Sendable, Equatable {
    case bytes([UInt8])
    case stdin
}

/// `kvctl bench` options with their defaults.
public struct BenchOptions: Sendable, Equatable {
    public var clients = 50
    public var requests = 100_000
    public var valueSize = 100
    public var keys = 10_000
    /// Share of requests that are GETs, 0...100; the rest are RID SETs.
    public var readPercent = 50

    public init() {}
}

/// Where the cluster is: a config file's client addresses, or a list.
public enum KvctlTarget: Sendable, Equatable {
    case config(path: String)
    case endpoints([HostPort])
}

/// A whole parsed command line.
public struct KvctlInvocation: Sendable, Equatable {
    public var target: KvctlTarget
    /// The overall deadline of one command (bench: of each request).
    public var timeoutSeconds: Double
    public var command: KvctlCommand

    public static let defaultConfigPath = "config/cluster3.conf"
    public static let defaultTimeoutSeconds = 10.0
}
