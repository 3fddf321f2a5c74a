// Entry point: split the history by key partition, search each one.

public enum Checker {
    /// Checks `history` (any order) for linearizability against the KV model.
    /// Failed ops never take effect; unknown ops may take effect after their
    /// invoke or never. Returns the smallest offending partition when any
    /// partition is not linearizable, even if another ran out of budget.
    /// `budget.maxStates` applies to each partition, `maxDuration` to the whole check.
    public static func check(history: [Operation], budget: Budget = .default) -> Verdict {
        for (i, op) in history.enumerated() {
            if let problem = op.malformation {
                return .unknown(reason: "malformed history: op \(i) (\(Describe.operation(op))) \(problem)")
            }
        }
        let deadline = budget.maxDuration.map { ContinuousClock.now + $0 }
        var unknownReason: String? = nil
        // Smallest partitions first: the first violation found is the smallest one.
        let partitions = Partitioner.partitions(of: history).enumerated()
            .sorted { ($0.element.opIndices.count, $0.offset) < ($1.element.opIndices.count, $1.offset) }
            .map(\.element)
        for partition in partitions {
            let (ops, sources) = searchOps(partition, history)
            var limits = Limits(statesLeft: budget.maxStates, deadline: deadline)
            switch Search.run(ops, keyCount: partition.keys.count, limits: &limits) {
            case .linearizable:
                continue
            case .violation(let deepest):
                let text = Describe.violation(
                    partition.opIndices.map { history[$0] }, prefix: deepest.map { history[sources[$0]] })
                return .notLinearizable(keys: partition.keys, operations: text)
            case .exhausted(let why):
                let keys = partition.keys.map(Describe.bytes).joined(separator: " ")
                unknownReason = unknownReason ?? "\(why) while checking keys \(keys) (\(ops.count) ops)"
            }
        }
        if let unknownReason { return .unknown(reason: unknownReason) }
        return .linearizable
    }

    /// The ops that can matter, in invoke order, and the history index of each.
    /// Failed ops never took effect; an unknown read changed nothing and told us nothing.
    private static func searchOps(_ partition: Partition, _ history: [Operation]) -> ([SearchOp], [Int]) {
        var slotOf: [Bytes: Int] = [:]
        for (slot, key) in partition.keys.enumerated() { slotOf[key] = slot }
        var ops: [SearchOp] = []
        var sources: [Int] = []
        for index in partition.opIndices {
            let op = history[index]
            let reply: Reply?
            switch op.outcome {
            case .fail: continue
            case .unknown:
                if op.call.isReadOnly { continue }
                reply = nil
            case .ok(let seen): reply = seen
            }
            let model = ModelOp(call: op.call, slots: op.call.keys.map { slotOf[$0]! }, reply: reply)
            let completeNs = reply == nil ? Int64.max : op.completeNs!
            ops.append(SearchOp(model: model, invokeNs: op.invokeNs, completeNs: completeNs, isRequired: reply != nil))
            sources.append(index)
        }
        return (ops, sources)
    }
}
