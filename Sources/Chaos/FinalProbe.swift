import Checker
import Runtime

/// After the faults are healed: the cluster must accept a write again
/// within the liveness limit, and every node must then return, through a
/// linearizable read, what the last windows' keys hold. These ops join the
/// history, so a write lost by a node that was faulted shows up as a
/// stale final read.
struct FinalProbe {
    let cluster: ChaosCluster
    let options: ChaosOptions
    let collector: HistoryCollector
    let startNs: Int64

    /// How long the first acknowledged write took, or nil.
    func awaitWrite() -> Int64? {
        let beganNs = monotonicNs()
        let deadlineNs = beganNs + Int64(options.livenessSeconds) * 1_000_000_000
        var attempt = 0
        while monotonicNs() < deadlineNs {
            attempt += 1
            let id = cluster.ids[attempt % cluster.size]
            let call = Call.set(key: Array("final.liveness".utf8), value: Array("probe.\(attempt)".utf8), condition: .none)
            if case .ok = record(call, on: id) { return milliseconds(monotonicNs() - beganNs) }
            sleepMs(100)
        }
        return nil
    }

    /// A GET of every key of the last two windows on every node.
    func readBack() {
        let lastWindow = Int((monotonicNs() - startNs) / 1_000_000) / options.workload.windowMs
        for window in max(0, lastWindow - 2)...lastWindow {
            let keys = WorkloadOptions.keys(window: window, registers: options.workload.registersPerWindow)
            for id in cluster.ids {
                for key in keys.registers + [keys.counter] { record(.get(key: key), on: id) }
            }
        }
    }

    @discardableResult
    private func record(_ call: Call, on id: Int) -> Outcome {
        let process = collector.newProcess()
        let invokeNs = monotonicNs()
        var outcome = Outcome.unknown
        if let client = try? RESPClient(host: "127.0.0.1", port: cluster.clientPorts[id]!,
                                        timeoutSeconds: options.workload.replyTimeoutSeconds),
           let reply = try? client.call(ReplyClassifier.command(call)) {
            let classified = ReplyClassifier.outcome(of: call, reply: reply)
            if let unexpected = classified.unexpected { collector.noteUnexpected(unexpected) }
            outcome = classified.outcome
        }
        let completeNs: Int64? = outcome == .unknown ? nil : monotonicNs()
        collector.add([Operation(process: process, call: call, invokeNs: invokeNs, completeNs: completeNs,
                                 outcome: outcome)])
        return outcome
    }
}
