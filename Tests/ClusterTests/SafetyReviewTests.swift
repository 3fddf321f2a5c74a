import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// The two findings of the safety review (issue 9) that reproduced from
    /// outside on a real cluster, run the way a user found them.
    @Suite("Cluster: wiped twice, forgotten sessions")
    struct SafetyReviewTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300, "request_timeout_ms": 2_000]

        @Test("F4: a follower wiped twice under one leader votes again, so the cluster survives losing the other follower")
        func wipedTwiceStillVotes() throws {
            let (cluster, leader, wiped) = try TestCluster.startSettled(tuning: Self.tuning)
            defer { cluster.stopAll() }
            let all = [1, 2, 3]
            #expect(try cluster.client(leader).call("SET", "before", "wipes") == .simpleString("OK"))
            for round in 1...2 {
                cluster.kill(wiped)
                cluster.wipeData(wiped)
                try cluster.start(wiped)
                let voting = cluster.wait(timeoutMs: 5_000) { cluster.info(wiped)?["is_voter"] == "1" }
                print("wiped twice: round \(round), node \(wiped) voter again: \(voting)")
                try #require(voting, "round \(round): node \(wiped) never became a voter: \(cluster.info(wiped) ?? [:])\n\(cluster.logTail(wiped))")
            }
            // The other follower dies: the leader and the twice-wiped node are the majority.
            let third = all.first { $0 != leader && $0 != wiped }!
            cluster.kill(third)
            let killedAt = nowMs()
            var committed = false
            while nowMs() < killedAt + 10_000, !committed {
                committed = (try? cluster.client(leader).call("SET", "after", "wipes")) == .simpleString("OK")
            }
            print("wiped twice: with node \(third) down, a write committed \(committed ? "after \(nowMs() - killedAt) ms" : "never")")
            #expect(committed, "no commit with the twice-wiped node as the second voter:\n\(cluster.logs())")
            let survivor = try #require(cluster.waitForLeader(among: [leader, wiped], timeoutMs: 10_000))
            #expect(try cluster.client(survivor).call("GET", "before") == .bulk(Array("wipes".utf8)))
        }

        @Test("F6: with max_sessions = 1 a client whose session was evicted gets -SESSIONEXPIRED for its first seq, nothing applied")
        func evictedSessionRetry() throws {
            var tuning = Self.tuning
            tuning["max_sessions"] = 1
            let cluster = try TestCluster(size: 3, tuning: tuning)
            defer { cluster.stopAll() }
            try cluster.startAll()
            let leader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            let client = try cluster.client(leader)
            #expect(try client.call("RID", "clientA", "1", "INCR", "x") == .integer(1))
            #expect(try client.call("RID", "clientB", "1", "INCR", "y") == .integer(1))
            // clientA's session was evicted by clientB's: its retry is refused, not applied again.
            let retry = try client.call("RID", "clientA", "1", "INCR", "x")
            guard case .error(let text) = retry else {
                Issue.record("retry of an evicted session's first seq answered \(retry)")
                return
            }
            #expect(text.hasPrefix("SESSIONEXPIRED"), "\(text)")
            #expect(try client.call("GET", "x") == .bulk(Array("1".utf8)))
        }
    }
}
