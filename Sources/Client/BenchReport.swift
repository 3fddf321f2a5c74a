/// One progress report of a running bench.
public struct BenchProgress: Sendable, Equatable {
    public var finished: Int
    public var total: Int
    public var requestsPerSecond: Double
    public var errors: Int

    public var line: String {
        let percent = total == 0 ? 0 : finished * 100 / total
        return "bench: \(finished)/\(total) (\(percent)%), \(Int(requestsPerSecond.rounded())) req/s, \(errors) errors"
    }
}

/// A finished bench: what `kvctl bench` prints on stdout.
public struct BenchResult: Sendable, Equatable {
    public var options: BenchOptions
    public var endpointCount: Int
    public var elapsedMicros: UInt64
    public var latency: LatencyStats
    public var succeeded: Int
    public var unavailable: Int
    public var unknown: Int
    public var refused: Int

    public var errors: Int { unavailable + unknown + refused }

    public var requestsPerSecond: Double { Double(succeeded) * 1e6 / Double(elapsedMicros) }

    /// Done when anything got through; a cluster that answered nothing is unavailable.
    public var exitCode: KvctlExitCode { succeeded > 0 ? .ok : .unavailable }

    public var report: String {
        let o = options
        return """
            bench: \(o.requests) requests by \(o.clients) clients over \(endpointCount) endpoint\(endpointCount == 1 ? "" : "s"), \
            \(o.readPercent)% reads, \(o.valueSize) B values, \(o.keys) keys
            done:       \(succeeded) ok, \(errors) errors in \(KvctlFormat.fixed(Double(elapsedMicros) / 1e6, digits: 2)) s
            throughput: \(Int(requestsPerSecond.rounded())) requests/s
            latency:    p50 \(KvctlFormat.millis(latency.percentile(50)))  p99 \(KvctlFormat.millis(latency.percentile(99)))  \
            p99.9 \(KvctlFormat.millis(latency.percentile(99.9)))  max \(KvctlFormat.millis(latency.maximum))
            errors:     \(unavailable) unavailable, \(unknown) outcome unknown, \(refused) refused

            """
    }
}
