import Glibc
import Testing
import Wire

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
            // Half through the leader, half through a follower, 100 per batch.
            // A write refused during a leader change (-NOQUORUM: not applied;
            // -TIMEOUT: unknown) is sent again: a SET of the same value is idempotent.
            var refusals: [(Int, RESPValue)] = []
            var missing: [Int] = []
            for half in 0..<2 {
                let through = half == 0 ? leader : follower
                let range = (half * count / 2)..<((half + 1) * count / 2)
                let replies = try cluster.pipeline(through, range.map { ["SET", "key\($0)", value($0)] }, batch: 100)
                for (i, reply) in zip(range, replies) where reply != .simpleString("OK") {
                    refusals.append((i, reply))
                    missing.append(i)
                }
            }
            for _ in 0..<5 where !missing.isEmpty {
                guard let now = cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 5_000) else { continue }
                let replies = try cluster.pipeline(now, missing.map { ["SET", "key\($0)", value($0)] }, batch: 100)
                missing = zip(missing, replies).filter { $0.1 != .simpleString("OK") }.map(\.0)
            }
            let writeMs = nowMs() - started
            // No pause: the last acknowledgement has just arrived.
            let events = refusals.isEmpty ? "" : cluster.logs().split(separator: "\n")
                .filter { $0.contains("became") || $0.contains("stepped") || $0.contains("following") || $0.contains("handed") || $0.contains("---") }
                .joined(separator: "\n")
            for id in 1...3 { cluster.kill(id) }
            print("crash-restart: \(count - missing.count) pipelined writes acknowledged in \(writeMs) ms (\(refusals.count) refused once and sent again), then kill -9 of all three")
            if !refusals.isEmpty {
                let kinds = Set(refusals.map { $0.1.text?.prefix(while: { $0 != " " }).description ?? "\($0.1)" })
                print("crash-restart: refusals \(kinds.sorted()) for keys \(refusals.first!.0)...\(refusals.last!.0) (leader \(leader), follower \(follower)); elections:\n\(events)")
            }
            #expect(missing.isEmpty, "\(missing.count) writes never acknowledged")
            let acknowledged = count - missing.count

            let restartedAt = nowMs()
            try cluster.startAll()
            let next = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader after restart: \(cluster.lastInfos)\n\(cluster.logs())")
            print("crash-restart: leader \(next) \(nowMs() - restartedAt) ms after the restart")
            // Every acknowledged write is there, with its value.
            let unacknowledged = Set(missing)
            for id in 1...3 {
                let replies = try cluster.pipeline(id, (0..<count).map { ["GET", "key\($0)"] }, batch: 100)
                let lost = zip(0..<count, replies).filter { !unacknowledged.contains($0.0) && $0.1.text != value($0.0) }
                #expect(lost.isEmpty, "node \(id): \(lost.count) acknowledged writes lost or wrong, first: \(lost.prefix(3))")
            }
            if missing.isEmpty { #expect(try cluster.client(next).call("DBSIZE") == .integer(Int64(acknowledged))) }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
