import Chaos
import Glibc

/// The command line of `paxos-chaos`.
enum ChaosCommand {
    case run(ChaosOptions)
    case check(path: String, seconds: Int)
    case help
}

enum ChaosArguments {
    static let usage = """
        usage: paxos-chaos [--nodes 3|5] [--duration SECONDS] [--faults kill,pause,partition[,member]]
                           [--seed S] [--run-dir DIR] [--paxosd PATH] [--clients-per-node N]
                           [--check-seconds N] [--unsafe-local-reads]
               paxos-chaos check HISTORY.jsonl [--check-seconds N]

        Starts a cluster of real paxosd processes on free loopback ports, every
        peer link through a fault-injecting proxy; runs concurrent clients on
        every node while a nemesis kills (-9) and restarts nodes, pauses them
        (SIGSTOP/SIGCONT) and partitions the network (minority/majority splits,
        an isolated leader, a bridge node that sees both sides, a flapping
        link); heals; checks the recorded history for linearizability.

          --nodes N             3 (default) or 5
          --duration SECONDS    how long the workload and the faults run (default 60)
          --faults LIST         any of kill,pause,partition,member (default
                                kill,pause,partition); member adds spare nodes
                                (--join, MEMBER ADD) and removes members (the
                                leader among them): N to N+2 members
          --seed S              seeds the fault schedule and the workload (default: from the clock)
          --run-dir DIR         logs, config, data, chaos.log, history.jsonl, report.txt
                                (default run/chaos-SEED-TIME)
          --paxosd PATH         the daemon (default: paxosd next to this binary)
          --clients-per-node N  concurrent clients on each node (default 3)
          --check-seconds N     time limit of the linearizability check (default 300)
          --unsafe-local-reads  run the daemons with stale local reads: the check must fail

        Prints the fault log as it goes, then operations (ok/fail/unknown),
        faults injected, the longest write unavailability and
        `linearizable: yes|no|unknown`.
        Exit status: 0 linearizable and healthy; 1 not linearizable, a daemon
        crashed (or would not restart, or answered nothing after healing), or no
        write succeeded after healing; 2 usage error; 3 the check was undecided,
        a fault showed no effect, replies were unexpected, nothing was
        acknowledged, or the run could not start. Ctrl-C kills every daemon.
        """

    static func parse(_ args: [String]) -> Result<ChaosCommand, ChaosError> {
        if args.first == "check" { return parseCheck(Array(args.dropFirst())) }
        var nodes = 3, duration = 60, clients = 3, checkSeconds = 300
        var faults = FaultKind.defaults
        var seed = UInt64(time(nil)) % 1_000_000
        var runDirectory: String?
        var daemon: String?
        var unsafe = false
        var i = 0
        while i < args.count {
            let flag = args[i]
            if flag == "--help" || flag == "-h" { return .success(.help) }
            if flag == "--unsafe-local-reads" {
                unsafe = true
                i += 1
                continue
            }
            guard i + 1 < args.count else { return .failure(ChaosError("missing value after \(flag)")) }
            let value = args[i + 1]
            switch flag {
            case "--nodes":
                guard let n = Int(value), n == 3 || n == 5 else { return .failure(ChaosError("--nodes must be 3 or 5")) }
                nodes = n
            case "--duration":
                guard let n = Int(value), n >= 5 else { return .failure(ChaosError("--duration must be at least 5 seconds")) }
                duration = n
            case "--faults":
                switch FaultKind.parseList(value) {
                case .success(let kinds): faults = kinds
                case .failure(let error): return .failure(error)
                }
            case "--seed":
                guard let n = UInt64(value) else { return .failure(ChaosError("--seed must be a non-negative integer")) }
                seed = n
            case "--run-dir": runDirectory = value
            case "--paxosd": daemon = value
            case "--clients-per-node":
                guard let n = Int(value), (1...64).contains(n) else { return .failure(ChaosError("--clients-per-node must be 1...64")) }
                clients = n
            case "--check-seconds":
                guard let n = Int(value), n >= 1 else { return .failure(ChaosError("--check-seconds must be positive")) }
                checkSeconds = n
            default:
                return .failure(ChaosError("unknown option '\(flag)'"))
            }
            i += 2
        }
        var options = ChaosOptions(runDirectory: runDirectory ?? "run/chaos-\(seed)-\(timestamp())",
                                   daemonPath: daemon ?? builtExecutable("paxosd") ?? "paxosd")
        options.nodes = nodes
        options.durationSeconds = duration
        options.faults = faults
        options.seed = seed
        options.unsafeLocalReads = unsafe
        options.workload.clientsPerNode = clients
        options.checkSeconds = checkSeconds
        return .success(.run(options))
    }

    private static func parseCheck(_ args: [String]) -> Result<ChaosCommand, ChaosError> {
        guard let path = args.first, !path.hasPrefix("-") else { return .failure(ChaosError("check needs a history file")) }
        var seconds = 300
        if args.count == 3, args[1] == "--check-seconds", let n = Int(args[2]), n >= 1 {
            seconds = n
        } else if args.count != 1 {
            return .failure(ChaosError("usage: paxos-chaos check HISTORY.jsonl [--check-seconds N]"))
        }
        return .success(.check(path: path, seconds: seconds))
    }

    /// `20261123-153000` (UTC), so each run gets its own directory.
    static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }
}
