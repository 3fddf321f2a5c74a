import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Catch-up past the leader's compacted log: a follower that missed more
    /// than the leader kept gets a snapshot, and one whose data was wiped
    /// comes back as a learner that votes only once caught up.
    @Suite("Cluster: catch-up by snapshot, rejoin after a wipe")
    struct SnapshotCatchUpTests {
        /// `max_batch` 1: every pipelined write takes its own slot, so a few
        /// hundred writes pass `snapshot_every` several times.
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300, "request_timeout_ms": 2_000,
                             "snapshot_every": 50, "max_batch": 1]

        /// Writes `keys` through `id`, pipelined; every one must be acknowledged.
        static func write(_ cluster: TestCluster, through id: Int, _ keys: Range<Int>, tag: String) throws {
            let replies = try cluster.pipeline(id, keys.map { ["SET", "key\($0)", "\(tag)-\($0)"] })
            #expect(replies.allSatisfy { $0 == .simpleString("OK") }, "writes through node \(id): \(replies.filter { $0 != .simpleString("OK") }.prefix(3))")
        }

        /// A sample of keys read from `id`'s own replica (READONLY: served locally).
        static func checkLocal(_ cluster: TestCluster, _ id: Int, _ expected: [(key: Int, value: String)]) throws {
            let local = try cluster.client(id)
            defer { local.close() }
            #expect(try local.call("READONLY") == .simpleString("OK"))
            for (key, value) in expected {
                #expect(try local.call("GET", "key\(key)").text == value, "key\(key) on node \(id)")
            }
        }

        @Test("a follower down while the leader compacts past it catches up by snapshot to the same values")
        func followerCatchesUpBySnapshot() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            let all = [1, 2, 3]
            try cluster.startAll()
            let leader = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            let lagging = all.first { $0 != leader }!
            try Self.write(cluster, through: leader, 0..<20, tag: "early")
            let leaderCommit = try #require(cluster.infoNumber(leader, "commit_index"))
            #expect(cluster.waitApplied(lagging, atLeast: leaderCommit, timeoutMs: 5_000) != nil)
            let laggingApplied = try #require(cluster.infoNumber(lagging, "applied_index"))
            let laggingSnapshot = cluster.infoNumber(lagging, "snapshot_index") ?? 0

            cluster.kill(lagging)
            try Self.write(cluster, through: leader, 0..<300, tag: "late")
            // The leader's snapshot must pass what the lagging node holds.
            let compacted = cluster.wait(timeoutMs: 10_000) { (cluster.infoNumber(leader, "snapshot_index") ?? 0) > laggingApplied + 100 }
            let leaderSnapshot = cluster.infoNumber(leader, "snapshot_index") ?? 0
            #expect(compacted, "leader snapshot_index \(leaderSnapshot) never passed \(laggingApplied) + 100:\n\(cluster.logTail(leader))")
            let target = try #require(cluster.infoNumber(leader, "commit_index"))

            let restartedAt = nowMs()
            try cluster.start(lagging)
            let caughtUpMs = cluster.waitApplied(lagging, atLeast: target, timeoutMs: 15_000)
            print("snapshot: node \(lagging) was at applied \(laggingApplied); leader compacted to \(leaderSnapshot), commit \(target); caught up in \(caughtUpMs.map { "\($0) ms" } ?? "never") after the restart (\(nowMs() - restartedAt) ms)")
            #expect(caughtUpMs != nil, "node \(lagging): \(cluster.info(lagging) ?? [:])\n\(cluster.logTail(lagging))")
            let log = cluster.processes[lagging]!.log
            let snapshotNow = cluster.infoNumber(lagging, "snapshot_index") ?? 0
            #expect(log.contains("msg=\"snapshot installed\"") || snapshotNow > laggingSnapshot, "no snapshot installed on node \(lagging):\n\(cluster.logTail(lagging))")
            #expect(log.contains("msg=\"snapshot installed\""), "node \(lagging) never logged a snapshot install:\n\(cluster.logTail(lagging))")
            #expect(snapshotNow > laggingApplied, "node \(lagging) snapshot_index \(snapshotNow) did not pass \(laggingApplied)")
            try Self.checkLocal(cluster, lagging, [0, 7, 49, 50, 123, 199, 250, 298, 299].map { ($0, "late-\($0)") })
            #expect(try cluster.client(lagging).call("DBSIZE") == .integer(300))
            // Then it follows the log again.
            #expect(try cluster.client(lagging).call("SET", "key0", "after") == .simpleString("OK"))
            for id in all { #expect(try cluster.client(id).call("GET", "key0") == .bulk("after"), "node \(id)") }
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("a node whose data directory was wiped rejoins as a non-voting learner, catches up, then votes again")
        func wipedNodeRejoinsAsLearner() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            let all = [1, 2, 3]
            try cluster.startAll()
            _ = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            // Past the bully hand-over to the highest id (it waits an election
            // timeout after start): the leader is the one that stays.
            usleep(800_000)
            let leader = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            let wiped = all.first { $0 != leader }!
            #expect(cluster.info(wiped)?["is_voter"] == "1")
            try Self.write(cluster, through: leader, 0..<120, tag: "first")

            cluster.kill(wiped)
            cluster.wipeData(wiped)
            try Self.write(cluster, through: leader, 100..<200, tag: "second")
            let target = try #require(cluster.infoNumber(leader, "commit_index"))

            let restartedAt = nowMs()
            try cluster.start(wiped)
            // It says so at once: learner in the log, is_voter:0 in INFO until caught up.
            var sawLearner = false
            // 5 s is over 15 election timeouts: time enough to see a phase 1 begin.
            let voting = cluster.wait(timeoutMs: 5_000) {
                guard let info = cluster.info(wiped) else { return false }
                if info["is_voter"] == "0" { sawLearner = true }
                return info["is_voter"] == "1"
            }
            let voterMs = nowMs() - restartedAt
            let log = cluster.processes[wiped]!.log
            let loggedLearner = log.contains("non-voting learner")
            print("learner: node \(wiped) restarted empty; is_voter:0 seen \(sawLearner), logged learner \(loggedLearner); voter again \(voting ? "after \(voterMs) ms" : "never")")
            #expect(loggedLearner, "node \(wiped) did not log that it is a learner:\n\(cluster.logTail(wiped))")
            try #require(voting, "node \(wiped) never became a voter: \(cluster.info(wiped) ?? [:])\n\(cluster.logs())")
            #expect(log.contains("msg=\"became voter\""), "\(cluster.logTail(wiped))")
            #expect(cluster.waitApplied(wiped, atLeast: target, timeoutMs: 5_000) != nil, "node \(wiped) did not catch up to \(target)")
            try Self.checkLocal(cluster, wiped, [0, 50, 99].map { ($0, "first-\($0)") } + [100, 150, 199].map { ($0, "second-\($0)") })

            // It votes: with the third node down, the leader and it are the majority.
            let third = all.first { $0 != leader && $0 != wiped }!
            cluster.kill(third)
            let killedAt = nowMs()
            var committed = false
            while nowMs() < killedAt + 10_000, !committed {
                committed = (try? cluster.client(leader).call("SET", "needs", "two")) == .simpleString("OK")
            }
            print("learner: with node \(third) down, the write through \(leader) committed \(committed ? "\(nowMs() - killedAt) ms" : "never")")
            #expect(committed, "no commit with node \(wiped) as the second voter:\n\(cluster.logs())")
            // Bring the third back and check the values everywhere.
            try cluster.start(third)
            let final = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader at the end: \(cluster.lastInfos)")
            #expect(try cluster.client(final).call("DBSIZE") == .integer(201))
            for id in all {
                let replies = try cluster.pipeline(id, (0..<200).map { ["GET", "key\($0)"] })
                let wrong = zip(0..<200, replies).filter { $0.1.text != ($0.0 < 100 ? "first-\($0.0)" : "second-\($0.0)") }
                #expect(wrong.isEmpty, "node \(id): \(wrong.prefix(3))")
                #expect(try cluster.client(id).call("GET", "needs") == .bulk("two"), "node \(id)")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
