import Checker

/// For each fault: how long after it began until a write invoked after
/// its start was acknowledged. The longest such wait is the run's worst
/// write unavailability.
enum Unavailability {
    struct Worst {
        var fault: FaultRecord
        /// nil when no write invoked after the fault was ever acknowledged.
        var ns: Int64?
    }

    static func worst(faults: [FaultRecord], history: [Operation]) -> Worst? {
        let writes = history.filter { op in
            guard case .ok(let reply) = op.outcome, !op.call.isReadOnly else { return false }
            return reply != .applied(false) && !FinalProbe.isProbe(op.call)
        }
        var worst: Worst?
        for fault in faults {
            let firstAck = writes.lazy.filter { $0.invokeNs >= fault.startNs }.compactMap(\.completeNs).min()
            let waited = firstAck.map { $0 - fault.startNs }
            if let current = worst {
                let worse = switch (current.ns, waited) {
                case (nil, _): false
                case (_, nil): true
                case (let a?, let b?): b > a
                }
                if worse { worst = Worst(fault: fault, ns: waited) }
            } else {
                worst = Worst(fault: fault, ns: waited)
            }
        }
        return worst
    }
}
