import Checker

/// The summary a chaos run prints: operations, faults, unavailability, verdict.
enum ChaosReport {
    /// `full`: every op of the offending keys (for report.txt); otherwise
    /// only where the search got stuck (for the terminal).
    static func text(_ result: ChaosResult, full: Bool) -> String {
        var lines: [String] = []
        let options = result.options
        lines.append("nodes: \(options.nodes), duration: \(options.durationSeconds) s, seed: \(options.seed), "
                     + "faults: \(options.faults.map(\.rawValue).joined(separator: ","))"
                     + (options.unsafeLocalReads ? ", daemons ran with --unsafe-local-reads" : ""))
        lines.append(operationsLine(result.history))
        lines.append(faultsLine(result.faults))
        for fault in result.ineffectiveFaults {
            lines.append("fault without an observed effect: \(fault.number) \(fault.kind.rawValue): \(fault.summary)")
        }
        if let worst = Unavailability.worst(faults: result.faults, history: result.history) {
            let span = worst.ns.map { String(format3(Double($0) / 1e9)) + " s" } ?? "never recovered"
            lines.append("longest write unavailability: \(span) after fault \(worst.fault.number) "
                         + "(\(worst.fault.kind.rawValue): \(worst.fault.summary))")
        }
        lines.append("after healing: " + (result.recoveryMs.map { "a write succeeded in \($0) ms" }
                                          ?? "NO WRITE SUCCEEDED within \(options.livenessSeconds) s"))
        for problem in result.problems { lines.append("problem: \(problem)") }
        if !result.unexpectedReplies.isEmpty {
            lines.append("\(result.unexpectedCount) unexpected replies (counted as unknown): "
                         + result.unexpectedReplies.prefix(5).joined(separator: " | "))
        }
        lines.append("check took \(result.checkMs) ms")
        switch result.verdict {
        case .linearizable:
            lines.append("linearizable: yes")
        case .notLinearizable(let keys, let operations):
            lines.append("smallest offending keys: \(keys.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " "))")
            lines.append(full ? operations : stuckPoint(operations))
            lines.append("linearizable: no")
        case .unknown(let reason):
            lines.append("undecided: \(reason)")
            lines.append("linearizable: unknown")
        }
        return lines.joined(separator: "\n")
    }

    /// The last ops of the longest linearizable prefix: no op that could
    /// come next fits the model there.
    static func stuckPoint(_ operations: String) -> String {
        let lines = operations.split(separator: "\n", omittingEmptySubsequences: false)
        guard let marker = lines.firstIndex(where: { $0.hasPrefix("longest linearizable prefix") }) else {
            return operations
        }
        let tail = lines[(marker + 1)...].suffix(15)
        return "\(marker) ops on these keys (all of them in report.txt and with `paxos-chaos check`); "
            + "the \(lines[marker]) ends with:\n"
            + tail.joined(separator: "\n") + "\n  ...and no remaining op can be linearized next"
    }

    static func operationsLine(_ history: [Operation]) -> String {
        var ok = 0, fail = 0, unknown = 0, reads = 0
        for op in history {
            switch op.outcome {
            case .ok: ok += 1
            case .fail: fail += 1
            case .unknown: unknown += 1
            }
            if op.call.isReadOnly { reads += 1 }
        }
        return "operations: \(history.count) (ok \(ok), fail \(fail), unknown \(unknown)); "
            + "\(reads) reads, \(history.count - reads) writes"
    }

    static func faultsLine(_ faults: [FaultRecord]) -> String {
        var parts: [String] = []
        for kind in FaultKind.allCases {
            let ofKind = faults.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { continue }
            var part = "\(kind.rawValue) \(ofKind.count)"
            if kind == .partition {
                let shapes = PartitionShape.allCases.compactMap { shape -> String? in
                    let n = ofKind.filter { $0.shape == shape }.count
                    return n == 0 ? nil : "\(shape.rawValue) \(n)"
                }
                part += " (" + shapes.joined(separator: ", ") + ")"
            }
            parts.append(part)
        }
        return "faults injected: \(faults.count)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }

    /// `x` with three decimals, without Foundation.
    static func format3(_ x: Double) -> String {
        let thousandths = Int((x * 1_000).rounded())
        let fraction = String(thousandths % 1_000)
        return "\(thousandths / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
