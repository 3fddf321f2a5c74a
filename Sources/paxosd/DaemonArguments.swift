import Glibc
import Config
import Posix
import Runtime

/// The command line of `paxosd`.
struct DaemonArguments {
    var configPath: String
    var id: Int
    var logLevel: LogLevel
    var options = NodeOptions()
    /// `--restore BACKUP`: initialise the empty data directory from it and exit.
    var restorePath: String? = nil

    enum Outcome {
        case run(DaemonArguments)
        case help
        case usageError(String)
    }

    static let usage = """
        usage: paxosd --config FILE --id N [--bootstrap | --join] [--log-level debug|info|warn|error] [--trace FILE]
               paxosd --config FILE --id N --restore BACKUP
          --config FILE     cluster config (e.g. config/cluster3.conf)
          --id N            this node's id, a [node.N] section of the config
          --bootstrap       the data directory is empty because the cluster is
                            new: vote at once, so the cluster forms as soon as
                            a majority has started (recorded durably; ignored
                            when the directory holds state). Never use it on a
                            wiped node of a running cluster: without it an
                            empty directory is treated as wiped and the node
                            catches up before it votes
          --join            start a new node that is not a member yet: FILE
                            holds its own [node.N] section and at least one
                            running member's. It learns the members from the
                            cluster, catches up as a learner and votes once
                            MEMBER ADD N PEER CLIENT (kvctl member add) is
                            committed; keep the flag until it votes
          --restore BACKUP  initialise this node's empty data directory from a
                            backup (kvctl snapshot save) and exit 0; restore
                            every node of a new cluster from the same file, then
                            start them as usual
          --log-level L     debug, info (default), warn or error
          --trace FILE      append every protocol event (messages sent and
                            received, elections, chosen slots, membership) to
                            FILE as JSON lines with vector clocks; draw them
                            with 'kvctl trace render', or load them in ShiViz.
                            Costs a formatted line per message: for watching
                            and debugging, not for benchmarks

        testing only (scripts/chaos.sh uses them):
          --peer-via ID=HOST:PORT  dial peer ID at HOST:PORT (a fault-injecting
                                   proxy) instead of its configured peer address;
                                   repeatable; the membership hash is unchanged
          --unsafe-local-reads     UNSAFE: serve GET/MGET/EXISTS from the local
                                   replica without a read index (stale reads);
                                   shows that the linearizability checker bites
        """

    static func parse(_ args: [String]) -> Outcome {
        var configPath: String?
        var id: Int?
        var level = LogLevel.info
        var options = NodeOptions()
        var restorePath: String?
        var i = 0
        while i < args.count {
            let flag = args[i]
            if flag == "--help" || flag == "-h" { return .help }
            if flag == "--unsafe-local-reads" || flag == "--bootstrap" || flag == "--join" {
                switch flag {
                case "--bootstrap": options.bootstrap = true
                case "--join": options.join = true
                default: options.unsafeLocalReads = true
                }
                i += 1
                continue
            }
            guard i + 1 < args.count else { return .usageError("missing value after \(flag)") }
            let value = args[i + 1]
            switch flag {
            case "--config": configPath = value
            case "--id":
                guard let n = Int(value), (1...255).contains(n) else { return .usageError("--id must be 1...255, got '\(value)'") }
                id = n
            case "--restore":
                guard !value.isEmpty else { return .usageError("--restore needs a backup file") }
                restorePath = value
            case "--trace":
                guard !value.isEmpty else { return .usageError("--trace needs a file") }
                options.tracePath = value
            case "--log-level":
                guard let parsed = LogLevel(name: value) else { return .usageError("unknown log level '\(value)'") }
                level = parsed
            case "--peer-via":
                switch parsePeerVia(value) {
                case .success(let (peer, address)): options.peerVia[peer] = address
                case .failure(let message): return .usageError(message.text)
                }
            default:
                return .usageError("unknown option '\(flag)'")
            }
            i += 2
        }
        guard let configPath else { return .usageError("--config is required") }
        guard let id else { return .usageError("--id is required") }
        if restorePath != nil && options.bootstrap { return .usageError("--restore and --bootstrap exclude each other") }
        if options.join && (options.bootstrap || restorePath != nil) {
            return .usageError("--join excludes --bootstrap and --restore: a joining node learns the state from the cluster")
        }
        return .run(DaemonArguments(configPath: configPath, id: id, logLevel: level, options: options, restorePath: restorePath))
    }

    struct Message: Error { var text: String }

    /// `ID=HOST:PORT`.
    static func parsePeerVia(_ text: String) -> Result<(Int, HostPort), Message> {
        guard let equals = text.firstIndex(of: "="), let peer = Int(text[..<equals]), (1...255).contains(peer) else {
            return .failure(Message(text: "--peer-via wants ID=HOST:PORT, got '\(text)'"))
        }
        switch HostPort.parse(String(text[text.index(after: equals)...])) {
        case .success(let address): return .success((peer, address))
        case .failure(let error): return .failure(Message(text: "--peer-via '\(text)': \(error)"))
        }
    }
}

/// Prints `paxosd: <message>` to stderr and exits.
func failAndExit(_ message: String, status: Int32) -> Never {
    let line = Array("paxosd: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(status)
}

/// A parent may have left SIGTERM/SIGINT blocked (posix_spawn and fork
/// inherit the mask, test runners block them); the daemon must see them.
func unblockStopSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTERM)
    sigaddset(&set, SIGINT)
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
