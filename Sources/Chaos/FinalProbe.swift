import Checker
import Client

/// After the faults are healed: the cluster must accept a write again
/// within the liveness limit, and every node must then return, through a
/// linearizable read, what every key of the run holds. These ops join the
/// history, so a write lost by a node that was faulted shows up as a
/// stale final read.
struct FinalProbe {
    let cluster: ChaosCluster
    let options: ChaosOptions
    let collector: HistoryCollector

    static let livenessKey = Array("final.liveness".utf8)

    static func isProbe(_ call: Call) -> Bool { call.keys == [livenessKey] }

    /// How long the first acknowledged write took, or nil.
    func awaitWrite() -> Int64? {
        let beganNs = monotonicNs()
        let deadlineNs = beganNs + Int64(options.livenessSeconds) * 1_000_000_000
        var attempt = 0
        while monotonicNs() < deadlineNs {
            attempt += 1
            let id = cluster.ids[attempt % cluster.size]
            let call = Call.set(key: Self.livenessKey, value: Array("probe.\(attempt)".utf8), condition: .none)
            if case .ok = record(call, on: id) { return milliseconds(monotonicNs() - beganNs) }
            sleepMs(100)
        }
        return nil
    }

    /// A GET of every key the workload ever used, on every node: a write
    /// acknowledged before a crash must still be there on all of them.
    /// Returns the nodes that answered none of them.
    func readBack(lastWindow: Int) -> [Int] {
        var silent: [Int] = []
        for id in cluster.ids {
            var answered = 0
            for window in 0...lastWindow {
                let keys = WorkloadOptions.keys(window: window, registers: options.workload.registersPerWindow)
                for key in keys.registers + [keys.counter] + keys.pair + [keys.volatile] {
                    if case .ok = record(.get(key: key), on: id) { answered += 1 }
                }
            }
            if answered == 0 { silent.append(id) }
        }
        return silent
    }

    @discardableResult
    private func record(_ call: Call, on id: Int) -> Outcome {
        // A node that takes no connection gets no op: nothing was sent.
        guard let client = try? RESPClient(host: "127.0.0.1", port: cluster.clientPorts[id]!,
                                           timeoutSeconds: options.workload.replyTimeoutSeconds)
        else { return .fail }
        let op = ReplyClassifier.execute(call, on: client, process: collector.newProcess(), collector: collector).op
        collector.add([op])
        return op.outcome
    }
}
