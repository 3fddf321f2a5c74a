import Glibc
import Testing
import Wire
@testable import Runtime

extension ClusterSuite {
    /// kill -9 of every node at once right after the acknowledgements: an
    /// acknowledged write was fsynced by a majority before its reply.
    @Suite("Cluster: kill -9 of every node")
    struct CrashRestartTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300, "request_timeout_ms": 2_000]

        @Test("kill -9 of all three right after 1,000 acknowledged pipelined writes: all 1,000 are there after a restart")
        func killAllAfterAcknowledgedWrites() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            try cluster.startAll()
            let leader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            // Through a follower half the time: forwarded writes are acknowledged only once chosen too.
            let follower = [1, 2, 3].first { $0 != leader }!
            let count = 1_000
            let value = { (i: Int) in "value-\(i)-" + String(repeating: "x", count: i % 37) }
            let started = nowMs()
            var acknowledged = 0
            for half in 0..<2 {
                let through = half == 0 ? leader : follower
                let range = (half * count / 2)..<((half + 1) * count / 2)
                let replies = try cluster.pipeline(through, range.map { ["SET", "key\($0)", value($0)] }, batch: 100)
                for (i, reply) in zip(range, replies) {
                    #expect(reply == .simpleString("OK"), "SET key\(i) through node \(through)")
                    if reply == .simpleString("OK") { acknowledged += 1 }
                }
            }
            let writeMs = nowMs() - started
            // No pause: the last acknowledgement has just arrived.
            for id in 1...3 { cluster.kill(id) }
            print("crash-restart: \(acknowledged) pipelined writes acknowledged in \(writeMs) ms, then kill -9 of all three")
            #expect(acknowledged == count)

            let restartedAt = nowMs()
            try cluster.startAll()
            let next = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader after restart: \(cluster.lastInfos)\n\(cluster.logs())")
            print("crash-restart: leader \(next) \(nowMs() - restartedAt) ms after the restart")
            for id in 1...3 {
                let replies = try cluster.pipeline(id, (0..<count).map { ["GET", "key\($0)"] }, batch: 100)
                let wrong = zip(0..<count, replies).filter { $0.1.text != value($0.0) }
                #expect(wrong.isEmpty, "node \(id): \(wrong.count) of \(count) wrong, first: \(wrong.prefix(3))")
            }
            #expect(try cluster.client(next).call("DBSIZE") == .integer(Int64(count)))
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
