/// `kvctl bench`: `clients` threads, each with its own connection (and RID
/// session) starting at endpoint `i % count`, share `requests` GETs and
/// RID SETs over `keys` keys. Latency counts retries: it is what a client waits.
import Config
import Glibc
import PaxosCore
import Posix

public struct BenchRunner: Sendable {
    public var options: BenchOptions
    public var endpoints: [HostPort]
    public var password: String?
    public var timeoutSeconds: Double
    /// As for single commands: a bit above the servers' request timeout.
    public var attemptSeconds: Double

    public init(options: BenchOptions, endpoints: [HostPort], password: String?, timeoutSeconds: Double,
                attemptSeconds: Double) {
        self.options = options
        self.endpoints = endpoints
        self.password = password
        self.timeoutSeconds = timeoutSeconds
        self.attemptSeconds = min(attemptSeconds, timeoutSeconds)
    }

    /// Runs the load, calling `progress` about once a second on this thread;
    /// returns the summary.
    public func run(progress: (BenchProgress) -> Void) -> BenchResult {
        let counters = BenchCounters(total: options.requests)
        let started = SystemClock.monotonicMicros()
        let threads = (0..<options.clients).map { i in
            PosixThread { [self] in self.work(client: i, counters) }
        }
        var lastReport = (micros: started, finished: 0)
        while counters.finished < options.requests {
            sleepMs(100)
            let now = SystemClock.monotonicMicros()
            guard now - lastReport.micros >= 1_000_000 else { continue }
            let finished = counters.finished
            let rate = Double(finished - lastReport.finished) * 1e6 / Double(now - lastReport.micros)
            progress(BenchProgress(finished: finished, total: options.requests, requestsPerSecond: rate,
                                   errors: counters.errors))
            lastReport = (now, finished)
        }
        for thread in threads { thread.join() }
        let elapsed = SystemClock.monotonicMicros() - started
        return BenchResult(options: options, endpointCount: endpoints.count,
                           elapsedMicros: max(elapsed, 1),
                           latency: LatencyStats(micros: counters.allSamples()),
                           succeeded: counters.succeeded.load(ordering: .relaxed),
                           unavailable: counters.unavailable.load(ordering: .relaxed),
                           unknown: counters.unknown.load(ordering: .relaxed),
                           refused: counters.refused.load(ordering: .relaxed))
    }

    private func work(client number: Int, _ counters: BenchCounters) {
        let client = KvctlClient(endpoints: endpoints, password: password, timeoutSeconds: timeoutSeconds,
                                 attemptSeconds: attemptSeconds, startIndex: number)
        defer { client.close() }
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: options.valueSize)
        var random = KvctlRandom(seed: SystemClock.monotonicMicros() &+ UInt64(number) &* 0x9E37_79B9_7F4A_7C15)
        var micros: [UInt32] = []
        micros.reserveCapacity(options.requests / options.clients + 1)
        while counters.claim() != nil {
            let key = Array("key:\(random.next() % UInt64(options.keys))".utf8)
            let isRead = Int(random.next() % 100) < options.readPercent
            let start = SystemClock.monotonicMicros()
            do {
                if isRead {
                    _ = try client.read([Array("GET".utf8), key])
                } else {
                    _ = try client.write([Array("SET".utf8), key, value])
                }
                micros.append(UInt32(clamping: SystemClock.monotonicMicros() - start))
                counters.succeeded.add(1, ordering: .relaxed)
            } catch {
                counters.count(error)
            }
        }
        counters.addSamples(micros)
    }
}

/// Keys and the read/write mix (not ids) come from the shared seeded generator.
typealias KvctlRandom = SplitMix64
