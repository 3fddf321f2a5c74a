import Config
import Testing
@testable import Client

private let kvctlInfoText = "# Paxos\r\nnode_id:1\r\nrole:leader\r\nleader_id:1\r\nballot:7.1\r\ncommit_index:1042\r\n"
    + "applied_index:1041\r\nsnapshot_index:0\r\nwal_bytes:1258291\r\npeers_up:2\r\nis_voter:1\r\n"

@Suite("kvctl output")
struct KvctlFormattingTests {
    @Test("INFO paxos parses into fields; leader_id 0 means none known")
    func infoParsing() {
        let info = InfoPaxos(parsing: kvctlInfoText)
        #expect(info.nodeID == 1)
        #expect(info.isLeader)
        #expect(info.leaderID == 1)
        #expect(info["ballot"] == "7.1")
        #expect(info.walBytes == 1_258_291)
        #expect(InfoPaxos(parsing: "role:candidate\nleader_id:0\n").leaderID == nil)
    }

    @Test("status is an aligned table with down nodes marked, then a summary")
    func statusTable() {
        let a = HostPort(host: "127.0.0.1", port: 6401)
        let b = HostPort(host: "127.0.0.1", port: 6402)
        let follower = InfoPaxos(parsing: "node_id:2\nrole:follower\nleader_id:1\nballot:7.1\ncommit_index:9\napplied_index:9\nwal_bytes:512\nis_voter:0\nsnapshot_index:5\n")
        let rows = [
            KvctlNodeStatus(configuredID: 1, address: a, info: InfoPaxos(parsing: kvctlInfoText), problem: nil),
            KvctlNodeStatus(configuredID: 2, address: b, info: follower, problem: nil),
            KvctlNodeStatus(configuredID: 3, address: HostPort(host: "127.0.0.1", port: 6403), info: nil, problem: "connection refused"),
        ]
        #expect(StatusTable.render(rows) == """
            ID  ADDRESS         STATE  ROLE      MEMBER   LEADER  BALLOT  COMMIT  APPLIED   LAG  SNAPSHOT      WAL
             1  127.0.0.1:6401  up     leader    voter         1  7.1       1042     1041     1         0  1.2 MiB
             2  127.0.0.1:6402  up     follower  learner       1  7.1          9        9  1033         5    512 B
             3  127.0.0.1:6403  DOWN   -         -             -  -            -        -     -         -        -  (connection refused)
            leader: node 1; 2 of 3 nodes up

            """)
    }

    @Test("with --endpoints the id comes from INFO; no leader is said so")
    func statusWithoutConfig() {
        let info = InfoPaxos(parsing: "node_id:4\nrole:candidate\nleader_id:0\n")
        let row = KvctlNodeStatus(configuredID: nil, address: HostPort(host: "h", port: 1), info: info, problem: nil)
        #expect(StatusTable.cells(row).prefix(6) == ["4", "h:1", "up", "candidate", "?", "-"])
        #expect(StatusTable.summary([row]) == "no leader; 1 of 1 nodes up")
    }

    @Test("sizes and fixed decimals without Foundation")
    func numbers() {
        #expect(KvctlFormat.bytes(0) == "0 B")
        #expect(KvctlFormat.bytes(1_023) == "1023 B")
        #expect(KvctlFormat.bytes(1_536) == "1.5 KiB")
        #expect(KvctlFormat.bytes(10 << 30) == "10.0 GiB")
        #expect(KvctlFormat.fixed(1.005, digits: 2) == "1.00" || KvctlFormat.fixed(1.005, digits: 2) == "1.01")
        #expect(KvctlFormat.fixed(0.05, digits: 2) == "0.05")
        #expect(KvctlFormat.fixed(12, digits: 0) == "12")
        #expect(KvctlFormat.millis(1_234) == "1.23 ms")
        #expect(KvctlFormat.millis(nil) == "-")
    }

    @Test("percentiles use the nearest rank")
    func percentiles() {
        let stats = LatencyStats(micros: (1...1_000).reversed().map { UInt32($0) })
        #expect(stats.percentile(50) == 500)
        #expect(stats.percentile(99) == 990)
        #expect(stats.percentile(99.9) == 999)
        #expect(stats.percentile(100) == 1_000)
        #expect(stats.maximum == 1_000)
        #expect(LatencyStats(micros: [7]).percentile(99.9) == 7)
        #expect(LatencyStats(micros: []).percentile(50) == nil)
    }

    @Test("the bench report names throughput, percentiles and errors")
    func benchReport() {
        var options = BenchOptions()
        options.requests = 4
        options.clients = 2
        let result = BenchResult(options: options, endpointCount: 3, elapsedMicros: 2_000_000,
                                 latency: LatencyStats(micros: [1_000, 2_000, 3_000]), succeeded: 3,
                                 unavailable: 0, unknown: 1, refused: 0)
        #expect(result.report == """
            bench: 4 requests by 2 clients over 3 endpoints, 50% reads, 100 B values, 10000 keys
            done:       3 ok, 1 errors in 2.00 s
            throughput: 2 requests/s
            latency:    p50 2.00 ms  p99 3.00 ms  p99.9 3.00 ms  max 3.00 ms
            errors:     0 unavailable, 1 outcome unknown, 0 refused

            """)
        #expect(result.exitCode == .ok)
        #expect(BenchProgress(finished: 50, total: 200, requestsPerSecond: 1234.4, errors: 2).line
            == "bench: 50/200 (25%), 1234 req/s, 2 errors")
    }

    @Test("exit 3 messages say whether the write was applied")
    func failureMessages() {
        var attempts = KvctlAttempts(endpointCount: 2)
        attempts.record(cause: "NOQUORUM no leader", mayHaveApplied: false)
        #expect(attempts.finalFailure(isWrite: true, timeoutSeconds: 2).message
            == "cluster unavailable: the write was not applied (NOQUORUM no leader; gave up after 2 s)")
        attempts.record(cause: "TIMEOUT proposed", mayHaveApplied: true)
        attempts.record(cause: "NOQUORUM no leader", mayHaveApplied: false)
        let unknown = attempts.finalFailure(isWrite: true, timeoutSeconds: 0.5)
        #expect(unknown.exitCode == .unavailable)
        #expect(unknown.message == "outcome unknown: the write may or may not have been applied "
            + "(TIMEOUT proposed; last try: NOQUORUM no leader; gave up after 0.5 s)")
        var refused = KvctlAttempts(endpointCount: 1)
        refused.record(cause: "h:1: connect failed", mayHaveApplied: false, connectFailed: true)
        #expect(refused.finalFailure(isWrite: false, timeoutSeconds: 1).message
            == "cluster unavailable: the read got no answer (no node reachable, last: h:1: connect failed; gave up after 1 s)")
        #expect(KvctlErrorReply("NOQUORUM x") == .noQuorum)
        #expect(KvctlErrorReply("TIMEOUT") == .timeout)
        #expect(KvctlErrorReply("SESSIONEXPIRED gone") == .sessionExpired)
        #expect(KvctlErrorReply("ERR wrong") == .other)
    }
}
