import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Three real `paxosd` processes: election, replication, kill -9 of the
    /// leader, restart and catch-up, clean shutdown. Serialized: each test
    /// owns a whole cluster, and they must not compete for the CPU.
    @Suite("Cluster: 3 paxosd processes")
    struct FailoverTests {
        /// Short request timeout: a write a follower forwarded to the killed
        /// leader comes back -TIMEOUT within a second instead of five.
        static let tuning = ["request_timeout_ms": 1_000, "heartbeat_ms": 50, "election_timeout_ms": 300]

        @Test("elects one leader; a SET through a follower is read back through every node; SIGTERM exits 0; a full restart keeps the data")
        func electAndReplicate() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            try cluster.startAll()
            let leader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            let follower = [1, 2, 3].first { $0 != leader }!

            let writer = try cluster.client(follower)
            #expect(try writer.call("SET", "greeting", "hello") == .simpleString("OK"))
            for id in 1...3 {
                let reader = try cluster.client(id)
                #expect(try reader.call("GET", "greeting") == .bulk("hello"), "node \(id)")
            }
            // Pipelined on one connection: replies come back in request order.
            let pipe = try cluster.client(leader)
            for i in 0..<20 { try pipe.send([Array("INCR".utf8), Array("counter".utf8)]); _ = i }
            try pipe.send([Array("GET".utf8), Array("counter".utf8)])
            for i in 1...20 { #expect(try pipe.readReply() == .integer(Int64(i))) }
            #expect(try pipe.readReply() == .bulk("20"))

            // SIGTERM: exit 0 after closing the WAL.
            for id in 1...3 { cluster.processes[id]!.signal(SIGTERM) }
            for id in 1...3 {
                #expect(cluster.processes[id]!.waitForExit(timeoutMs: 5_000) == 0, "node \(id):\n\(cluster.logs())")
            }

            // Restart everything: acknowledged writes are still there.
            try cluster.startAll()
            let next = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader after restart: \(cluster.lastInfos)")
            for id in 1...3 {
                let reader = try cluster.client(id)
                #expect(try reader.call("GET", "greeting") == .bulk("hello"), "node \(id)")
                #expect(try reader.call("GET", "counter") == .bulk("20"), "node \(id)")
            }
            #expect(try cluster.client(next).call("INCR", "counter") == .integer(21))
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("kill -9 of the leader: a new leader commits within 5 s; the old one restarts and catches up")
        func leaderFailover() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            try cluster.startAll()
            let oldLeader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            let survivors = [1, 2, 3].filter { $0 != oldLeader }
            #expect(try cluster.client(survivors[0]).call("SET", "k", "before") == .simpleString("OK"))

            cluster.kill(oldLeader)
            let killedAt = nowMs()
            var newLeader: Int?
            var committedAt: UInt64?
            while nowMs() < killedAt + 10_000, committedAt == nil {
                guard let leader = cluster.waitForLeader(among: survivors, timeoutMs: 200) else { continue }
                if (try? cluster.client(leader).call("SET", "k", "after")) == .simpleString("OK") {
                    newLeader = leader
                    committedAt = nowMs()
                }
            }
            let gapMs = try #require(committedAt, "no commit after the leader died:\n\(cluster.logs())") - killedAt
            print("failover: node \(oldLeader) killed, node \(newLeader!) committed \(gapMs) ms later")
            #expect(gapMs < 5_000)

            // Writes the old leader misses while it is down.
            let writer = try cluster.client(newLeader!)
            for i in 0..<50 { #expect(try writer.call("SET", "key\(i)", "value\(i)") == .simpleString("OK")) }
            let target = try #require(cluster.info(newLeader!)?["commit_index"].flatMap { UInt64($0) })

            try cluster.start(oldLeader)
            let caughtUp = cluster.wait(timeoutMs: 10_000) {
                (cluster.info(oldLeader)?["applied_index"].flatMap { UInt64($0) } ?? 0) >= target
            }
            #expect(caughtUp, "restarted node \(oldLeader) did not catch up to \(target):\n\(cluster.logs())")
            // Its own replica has the data: a READONLY read is served locally.
            let local = try cluster.client(oldLeader)
            #expect(try local.call("READONLY") == .simpleString("OK"))
            #expect(try local.call("GET", "k") == .bulk("after"))
            #expect(try local.call("GET", "key49") == .bulk("value49"))
            // And it serves linearizable reads and writes again.
            let again = try cluster.client(oldLeader)
            #expect(try again.call("SET", "k", "restarted") == .simpleString("OK"))
            for id in 1...3 { #expect(try cluster.client(id).call("GET", "k") == .bulk("restarted"), "node \(id)") }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
