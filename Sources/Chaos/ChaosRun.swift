import Checker
import Glibc

/// One chaos run: start the cluster behind the proxies, run the workload
/// and the nemesis together, heal, probe, stop, check the history.
public enum ChaosRun {
    /// Ids a run with member faults may add (a removed id never returns):
    /// about one member fault in four adds one, one fault every ~6 s. Past
    /// them a member fault at the smallest size has nothing to add and is
    /// reported without effect.
    static func spareIDs(durationSeconds: Int) -> Int { min(40, max(10, durationSeconds / 20)) }

    /// `say` gets one progress line at a time (fault log, phases).
    public static func run(_ options: ChaosOptions, say: @escaping (String) -> Void) throws(ChaosError) -> ChaosResult {
        try makeDirectory(options.runDirectory)
        if access(options.runDirectory + "/cluster.conf", F_OK) == 0 {
            throw ChaosError("\(options.runDirectory) holds an earlier run; choose another --run-dir")
        }
        let cluster = try ChaosCluster(size: options.nodes, directory: options.runDirectory,
                                       daemonPath: options.daemonPath, unsafeLocalReads: options.unsafeLocalReads,
                                       tuning: options.tuning, spares: options.faults.contains(.member) ? ChaosRun.spareIDs(durationSeconds: options.durationSeconds) : 0)
        defer { cluster.stop() }
        try cluster.startAll()
        guard waitUntil(timeoutMs: 20_000, { cluster.leader() != nil }) else {
            throw ChaosError("no leader elected within 20 s; node logs are in \(options.runDirectory)")
        }
        let startNs = monotonicNs()
        let faultLog = AppendFile(path: options.runDirectory + "/chaos.log")
        let clock = { (text: String) in
            let line = "[\(ChaosReport.format3(Double(monotonicNs() - startNs) / 1e9)) s] \(text)"
            faultLog.append(line + "\n")
            say(line)
        }
        clock("leader \(cluster.leader() ?? 0) elected; workload and nemesis start for \(options.durationSeconds) s")
        let deadlineNs = startNs + Int64(options.durationSeconds) * 1_000_000_000
        var workload = Workload(clientPorts: cluster.clientPorts.filter { cluster.ids.contains($0.key) },
                                options: options.workload, seed: options.seed, startNs: startNs)
        if options.faults.contains(.member) { workload.members = cluster.memberPorts }
        let threads = workload.start(untilNs: deadlineNs)
        let nemesis = Nemesis(cluster: cluster, kinds: options.faults, seed: options.seed ^ 0x5EED, startNs: startNs,
                              cutsAreFake: options.fakePartitions, say: clock)
        nemesis.run(untilNs: deadlineNs)
        for thread in threads { thread.join() }
        clock("workload done; every fault healed; waiting for a write to succeed")
        let probe = FinalProbe(cluster: cluster, options: options, collector: workload.collector)
        let recoveryMs = probe.awaitWrite()
        var problems = nemesis.problems
        if recoveryMs != nil {
            let lastWindow = Int((deadlineNs - 1 - startNs) / 1_000_000) / options.workload.windowMs
            clock("reading back every key on every node")
            for id in probe.readBack(lastWindow: lastWindow) {
                problems.append("node \(id) answered no read after healing")
            }
        }
        cluster.noteCrashes()
        problems = cluster.crashes + problems
        cluster.stop()
        let history = workload.collector.history
        try writeTextFile(options.runDirectory + "/history.jsonl", HistoryFormat.encode(history))
        clock("checking \(history.count) operations for linearizability")
        let checkStart = monotonicNs()
        let verdict = Checker.check(history: history,
                                    budget: Budget(maxStates: 5_000_000, maxDuration: .seconds(options.checkSeconds)))
        let result = ChaosResult(options: options, history: history, faults: nemesis.records, verdict: verdict,
                                 recoveryMs: recoveryMs, problems: problems,
                                 unexpectedReplies: workload.collector.unexpectedReplies,
                                 unexpectedCount: workload.collector.unexpectedCount,
                                 checkMs: milliseconds(monotonicNs() - checkStart))
        try writeTextFile(options.runDirectory + "/report.txt", ChaosReport.text(result, full: true) + "\n")
        return result
    }

    /// The printable summary of a finished run.
    public static func report(_ result: ChaosResult) -> String { ChaosReport.text(result, full: false) }

    /// `mkdir -p`.
    static func makeDirectory(_ path: String) throws(ChaosError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part + "/"
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw ChaosError("cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
    }
}
