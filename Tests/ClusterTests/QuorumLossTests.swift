import Client
import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Five real `paxosd` processes losing nodes one by one: a majority keeps
    /// serving; a minority answers writes with a clear -NOQUORUM or -TIMEOUT
    /// (never a wrong value on a read); the restarted nodes bring service back.
    @Suite("Cluster: 5 nodes, losing and regaining a majority")
    struct QuorumLossTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300, "request_timeout_ms": 1_000]

        /// What a write without a majority may answer, and what it means for the key.
        enum MinorityOutcome: Equatable { case notApplied, unknown }

        static func minorityOutcome(_ reply: Result<RESPValue, RESPClientError>) -> MinorityOutcome? {
            switch reply {
            case .success(.error(let message)) where message.hasPrefix("NOQUORUM"): return .notApplied
            case .success(.error(let message)) where message.hasPrefix("TIMEOUT"): return .unknown
            case .failure(.timedOut): return .unknown
            default: return nil
            }
        }

        @Test("2 of 5 killed: still serves; 3 killed: -NOQUORUM/-TIMEOUT and kvctl exit 3, no wrong read; restarted: serves again")
        func loseAndRegainMajority() throws {
            let cluster = try TestCluster(size: 5, tuning: Self.tuning)
            defer { cluster.stopAll() }
            let all = [1, 2, 3, 4, 5]
            try cluster.startAll()
            let firstLeader = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")

            // Every acknowledged write, by key: no read may ever disagree.
            var acknowledged: [String: String] = [:]
            let first = (0..<20).map { ["SET", "a\($0)", "one-\($0)"] }
            for reply in try cluster.pipeline(firstLeader, first) { #expect(reply == .simpleString("OK")) }
            for i in 0..<20 { acknowledged["a\(i)"] = "one-\(i)" }
            #expect(try cluster.client(firstLeader).call("SET", "stable", "old") == .simpleString("OK"))
            acknowledged["stable"] = "old"

            // Kill the leader and one follower: three of five remain, a majority.
            let firstVictims = [firstLeader, all.first { $0 != firstLeader }!]
            firstVictims.forEach(cluster.kill)
            let killedAt = nowMs()
            var survivors = all.filter { !firstVictims.contains($0) }
            let secondLeader = try #require(cluster.waitForLeader(among: survivors, timeoutMs: 10_000),
                                            "no leader among \(survivors): \(cluster.lastInfos)\n\(cluster.logs())")
            print("quorum-loss: killed \(firstVictims), node \(secondLeader) leads \(nowMs() - killedAt) ms later")
            #expect(try cluster.client(survivors[0]).call("SET", "stable", "new") == .simpleString("OK"))
            acknowledged["stable"] = "new"
            for (n, id) in survivors.enumerated() {
                let replies = try cluster.pipeline(id, (0..<10).map { ["SET", "b\(n)-\($0)", "two-\(n)-\($0)"] })
                for reply in replies { #expect(reply == .simpleString("OK"), "write through node \(id)") }
                for i in 0..<10 { acknowledged["b\(n)-\(i)"] = "two-\(n)-\(i)" }
            }
            let keys = acknowledged.keys.sorted()
            for id in survivors {
                let replies = try cluster.pipeline(id, keys.map { ["GET", $0] })
                for (key, reply) in zip(keys, replies) { #expect(reply.text == acknowledged[key], "GET \(key) on node \(id)") }
            }

            // Kill a follower too: two of five remain, no majority.
            let thirdVictim = survivors.first { $0 != secondLeader }!
            cluster.kill(thirdVictim)
            survivors.removeAll { $0 == thirdVictim }
            var lostWrites: [String: MinorityOutcome] = [:]
            for id in survivors {
                let key = "lost-\(id)"
                let started = nowMs()
                let reply = cluster.attempt(id, timeoutSeconds: 5, "SET", key, "never-acknowledged")
                let elapsed = nowMs() - started
                print("quorum-loss: SET through node \(id) with 2 of 5 up answered \(describe(reply)) after \(elapsed) ms")
                let outcome = try #require(Self.minorityOutcome(reply), "node \(id) answered \(reply)\n\(cluster.logTail(id))")
                #expect(elapsed < 4_000, "node \(id) took \(elapsed) ms")
                lostWrites[key] = outcome
                // A linearizable read either fails or returns the latest acknowledged value.
                for readKey in ["stable", "a0", "b0-0"] {
                    let read = cluster.attempt(id, timeoutSeconds: 5, "GET", readKey)
                    if case .success(let value) = read, case .error = value { continue }
                    if case .failure = read { continue }
                    #expect(try read.get().text == acknowledged[readKey], "GET \(readKey) on node \(id) without a majority: \(read)")
                }
            }

            // kvctl says which: not applied, or outcome unknown; exit 3 within its timeout.
            let kvctl = try cluster.runKvctl(["--endpoints", cluster.endpoints(survivors), "--timeout", "3", "put", "kv-lost", "x"])
            print("quorum-loss: kvctl put with 2 of 5 up: exit \(kvctl.status.map(String.init) ?? "killed") after \(kvctl.elapsedMs) ms: \(kvctl.output)")
            #expect(kvctl.status == 3)
            #expect(kvctl.elapsedMs < 6_000)
            let kvctlSaysNotApplied = kvctl.output.contains("the write was not applied")
            let kvctlSaysUnknown = kvctl.output.contains("outcome unknown")
            #expect(kvctlSaysNotApplied != kvctlSaysUnknown, "kvctl must say which: \(kvctl.output)")
            lostWrites["kv-lost"] = kvctlSaysNotApplied ? .notApplied : .unknown

            // Restart the three: service resumes, nothing acknowledged is lost,
            // nothing refused as "not applied" appears.
            let restartedAt = nowMs()
            for id in firstVictims + [thirdVictim] { try cluster.start(id) }
            var resumedAt: UInt64?
            while nowMs() < restartedAt + 15_000, resumedAt == nil {
                guard let leader = cluster.waitForLeader(among: all, timeoutMs: 500) else { continue }
                if (try? cluster.client(leader).call("SET", "after", "restart")) == .simpleString("OK") { resumedAt = nowMs() }
            }
            let resumeMs = try #require(resumedAt, "no write after the restart:\n\(cluster.logs())") - restartedAt
            print("quorum-loss: restarted 3 nodes, first write committed \(resumeMs) ms later")
            acknowledged["after"] = "restart"
            let checked = acknowledged.keys.sorted()
            for id in all {
                let replies = try cluster.pipeline(id, checked.map { ["GET", $0] })
                for (key, reply) in zip(checked, replies) { #expect(reply.text == acknowledged[key], "GET \(key) on node \(id)") }
                for (key, outcome) in lostWrites.sorted(by: { $0.key < $1.key }) {
                    let value = try cluster.client(id).call("GET", key)
                    if outcome == .notApplied {
                        #expect(value == .bulk(nil), "\(key) was answered NOQUORUM but reads \(value) on node \(id)")
                    } else {
                        #expect(value == .bulk(nil) || value.text == "never-acknowledged" || value.text == "x", "\(key) on node \(id): \(value)")
                    }
                }
            }
            let put = try cluster.runKvctl(["--config", cluster.configPath, "--timeout", "5", "put", "kv-after", "ok"])
            #expect(put.status == 0, "\(put.output)")
            let get = try cluster.runKvctl(["--config", cluster.configPath, "--timeout", "5", "get", "kv-after"])
            #expect(get.status == 0)
            #expect(get.output == "ok\n", "\(get.output)")
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
