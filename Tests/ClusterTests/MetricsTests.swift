import Chaos
import Posix
import Glibc
import Testing

extension ClusterSuite {
    /// The metrics port (DESIGN.md Part 1, "Metrics and health"): Prometheus
    /// text a parser accepts, health that follows the node's view of the
    /// cluster, clear HTTP errors.
    @Suite("Cluster: metrics and health")
    struct MetricsEndpointTests {
        @Test("GET /metrics is well-formed Prometheus text with the contract's metrics, counting what happened")
        func metrics() throws {
            let cluster = try TestCluster(size: 3, withMetrics: true)
            defer { cluster.stopAll() }
            try cluster.startAll()
            let leader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "\(cluster.logs())")
            let client = try cluster.client(leader)
            defer { client.close() }
            for i in 0..<20 { _ = try client.call("SET", "k\(i)", "v") }
            _ = try client.call("GET", "k1")
            _ = try client.call("INCR", "k1")  // not an integer: an error reply

            let (status, body) = try httpGet(cluster.metricsPorts[leader]!, "/metrics")
            #expect(status == 200)
            let parsed = try PrometheusParse(body)
            for name in ["paxoskv_commands_total", "paxoskv_slots_committed_total", "paxoskv_batch_commands",
                         "paxoskv_fsync_seconds", "paxoskv_command_seconds", "paxoskv_elections_total",
                         "paxoskv_leader_changes_total", "paxoskv_is_leader", "paxoskv_commit_index",
                         "paxoskv_applied_index", "paxoskv_wal_bytes", "paxoskv_snapshots_total", "paxoskv_keys",
                         "paxoskv_connections", "paxoskv_peer_up"] {
                #expect(parsed.types[name] != nil, "no # TYPE for \(name)")
            }
            #expect(parsed.value("paxoskv_commands_total", ["command": "set", "result": "ok"]) == 20)
            #expect(parsed.value("paxoskv_commands_total", ["command": "get", "result": "ok"]) == 1)
            #expect(parsed.value("paxoskv_commands_total", ["command": "incr", "result": "error"]) == 1)
            #expect(parsed.value("paxoskv_is_leader", [:]) == 1)
            #expect(parsed.value("paxoskv_keys", [:]) == 20)
            #expect((parsed.value("paxoskv_fsync_seconds_count", [:]) ?? 0) >= 1)
            #expect((parsed.value("paxoskv_command_seconds_count", [:]) ?? 0) >= 22)
            #expect((parsed.value("paxoskv_batch_commands_count", [:]) ?? 0) >= 1)
            #expect((parsed.value("paxoskv_slots_committed_total", [:]) ?? 0) >= 20)
            #expect(parsed.value("paxoskv_leader_changes_total", [:]) == 1)
            for peer in [1, 2, 3] where peer != leader {
                #expect(parsed.value("paxoskv_peer_up", ["peer": "\(peer)"]) == 1)
            }
            // Histogram buckets are cumulative and end at the count.
            let buckets = parsed.samples.filter { $0.name == "paxoskv_fsync_seconds_bucket" }.map(\.value)
            #expect(buckets == buckets.sorted())
            #expect(buckets.last == parsed.value("paxoskv_fsync_seconds_count", [:]))
            // Prometheus's own linter, where it is installed (Debian: prometheus).
            if access("/usr/bin/promtool", X_OK) == 0 {
                let file = cluster.directory + "/metrics.txt"
                try writeFile(file, body)
                let check = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "/usr/bin/promtool check metrics < \(file)"],
                                             logPath: cluster.directory + "/promtool.log")
                #expect(check.waitForExit(timeoutMs: 30_000) == 0, "\((try? readTextFile(cluster.directory + "/promtool.log")) ?? "")")
            }
            // A follower is not the leader.
            let follower = [1, 2, 3].first { $0 != leader }!
            let followerMetrics = try PrometheusParse(try httpGet(cluster.metricsPorts[follower]!, "/metrics").body)
            #expect(followerMetrics.value("paxoskv_is_leader", [:]) == 0)
            cluster.removeFiles()
        }

        @Test("/health is 503 on a node cut off from the majority and 200 again once it hears it")
        func health() throws {
            let cluster = try TestCluster(size: 3, withMetrics: true)
            defer { cluster.stopAll() }
            try cluster.startAll()
            let leader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "\(cluster.logs())")
            let port = cluster.metricsPorts[leader]!
            #expect(cluster.wait(timeoutMs: 5_000) { (try? httpGet(port, "/health"))?.status == 200 })
            let others = [1, 2, 3].filter { $0 != leader }
            for id in others { cluster.pause(id) }
            var last: (status: Int, body: String)?
            #expect(cluster.wait(timeoutMs: 10_000) {
                last = try? httpGet(port, "/health")
                return last?.status == 503
            }, "still \(String(describing: last)) with the majority paused")
            #expect(last?.body.contains("no leader") == true, "\(String(describing: last))")
            for id in others { cluster.resume(id) }
            #expect(cluster.wait(timeoutMs: 10_000) { (try? httpGet(port, "/health"))?.status == 200 },
                    "no 200 after the majority returned:\n\(cluster.logs())")
            cluster.removeFiles()
        }

        @Test("bad requests get 400, unknown paths 404, other methods 405; the node keeps serving")
        func httpErrors() throws {
            let cluster = try TestCluster(size: 1, withMetrics: true)
            defer { cluster.stopAll() }
            try cluster.start(1)
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.info(1)?["role"] == "leader" }, "\(cluster.logs())")
            let port = cluster.metricsPorts[1]!
            #expect(try httpGet(port, "/nope").status == 404)
            #expect(try raw(port, "POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n").hasPrefix("HTTP/1.1 405 "))
            #expect(try raw(port, "garbage\r\n\r\n").hasPrefix("HTTP/1.1 400 "))
            #expect(try raw(port, "GET /" + String(repeating: "a", count: 20_000) + " HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 400 "))
            let head = try raw(port, "HEAD /health HTTP/1.0\r\n\r\n")
            #expect(head.hasPrefix("HTTP/1.1 200 ") && head.hasSuffix("\r\n\r\n"))
            #expect(try httpGet(port, "/health").status == 200)
            #expect(cluster.processes[1]!.pollExit() == nil)
            cluster.removeFiles()
        }
    }
}

/// One request on a fresh connection; the whole response until the server closes.
func raw(_ port: UInt16, _ request: String) throws -> String {
    let socket = try RawSocket(port: port)
    socket.send(request)
    let (text, closed) = socket.readUntilClosed()
    guard closed else { throw HarnessError("the metrics port did not close the connection") }
    return text
}

func httpGet(_ port: UInt16, _ path: String) throws -> (status: Int, body: String) {
    let text = try raw(port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    guard let split = text.range(of: "\r\n\r\n") else { throw HarnessError("no end of head in \(text.debugDescription)") }
    let statusLine = text[..<split.lowerBound].split(separator: "\r\n").first ?? ""
    let parts = statusLine.split(separator: " ")
    guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else { throw HarnessError("bad status line \(statusLine)") }
    return (status, String(text[split.upperBound...]))
}

/// A strict reader of the Prometheus text format (0.0.4): every line is a
/// comment (`# HELP`/`# TYPE` with a valid name) or a sample
/// `name{label="value",...} number` whose family has a TYPE line before it.
struct PrometheusParse {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }
    var types: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw HarnessError("exposition must end with a newline") }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[3])) else {
                    throw HarnessError("bad TYPE line: \(line)")
                }
                guard types[String(parts[2])] == nil else { throw HarnessError("second TYPE for \(parts[2])") }
                types[String(parts[2])] = String(parts[3])
            } else if line.hasPrefix("# HELP ") || line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(String(line)))
                let name = samples.last!.name
                let family = ["_bucket", "_sum", "_count"].reduce(name) { n, suffix in
                    n.hasSuffix(suffix) && types[String(n.dropLast(suffix.count))] == "histogram" ? String(n.dropLast(suffix.count)) : n
                }
                guard types[family] != nil else { throw HarnessError("sample before its TYPE: \(line)") }
            }
        }
    }

    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, !name.first!.isNumber else { throw HarnessError("bad metric name in \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(key.count)
                guard !key.isEmpty, rest.hasPrefix("=\"") else { throw HarnessError("bad label in \(line)") }
                rest = rest.dropFirst(2)
                var value = ""
                while let c = rest.first, c != "\"" {
                    if c == "\\" {
                        rest = rest.dropFirst()
                        guard let escaped = rest.first else { throw HarnessError("bad escape in \(line)") }
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(c)
                    }
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else { throw HarnessError("unterminated label value in \(line)") }
                rest = rest.dropFirst()
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw HarnessError("no space before the value in \(line)") }
        let number = rest.dropFirst()
        let value: Double? = number == "+Inf" ? .infinity : number == "-Inf" ? -.infinity : Double(number)
        guard let value else { throw HarnessError("bad value in \(line)") }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
