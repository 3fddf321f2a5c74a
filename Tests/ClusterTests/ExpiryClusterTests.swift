import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Keys with TTLs on a real cluster: redis-py's `ex=`, `ttl`, `expire`,
    /// `persist`, `getex` on the leader and a follower, and keys set under
    /// one leader expiring under the next, never to come back.
    @Suite("Cluster: expiry")
    struct ExpiryClusterTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300]

        /// Each check as a Redis user writes it; then how late PX 100 keys go (printed, not asserted: no timing in tests).
        static let redisPyScript = """
            r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), socket_timeout=10)
            p = sys.argv[2]
            assert r.set(p + "k", "v", ex=1) is True
            ttl = r.ttl(p + "k")
            assert 0 < ttl <= 1, ttl
            assert 0 < r.pttl(p + "k") <= 1000
            assert r.ttl(p + "plain") == -2
            r.set(p + "plain", "x")
            assert r.ttl(p + "plain") == -1
            assert r.expire(p + "plain", 100) is True
            assert r.expire(p + "plain", 50, gt=True) is False
            assert 99 <= r.ttl(p + "plain") <= 100
            assert r.persist(p + "plain") is True
            assert r.ttl(p + "plain") == -1
            assert r.getex(p + "plain", px=60000) == b"x"
            assert r.expiretime(p + "plain") > time.time()
            assert r.set(p + "plain", "y", keepttl=True) is True
            assert r.pttl(p + "plain") > 50000
            assert r.set(p + "plain", "z", get=True) == b"y"
            assert r.ttl(p + "plain") == -1
            try:
                r.set(p + "bad", "v", ex=0)
                raise SystemExit("EX 0 did not raise")
            except redis.ResponseError as e:
                assert "invalid expire time in 'set' command" in str(e), str(e)
            deadline = time.time() + 10
            while r.get(p + "k") is not None:
                assert time.time() < deadline, "key with ex=1 still there after 10 s"
                time.sleep(0.01)
            assert r.ttl(p + "k") == -2
            lateness = []
            for i in range(20):
                key = p + "late%d" % i
                r.set(key, "v", px=100)
                due = time.time() + 0.1
                while r.exists(key):
                    assert time.time() < due + 10, "PX 100 key still there after 10 s"
                    time.sleep(0.002)
                lateness.append(max(0.0, time.time() - due) * 1000)
                assert r.get(key) is None
            lateness.sort()
            print("PX 100 keys gone after their deadline by: median %.0f ms, max %.0f ms" % (lateness[10], lateness[-1]))
            print("PASS")
            """

        @Test("redis-py: set(ex=), ttl, pttl, expire(gt=), persist, getex, expiretime, keepttl, get=, and the key goes, on leader and follower")
        func redisPy() throws {
            let (cluster, leader, follower) = try TestCluster.startSettled(tuning: Self.tuning)
            defer { cluster.stopAll() }
            for (id, prefix) in [(leader, "lead:"), (follower, "foll:")] {
                let result = try RedisPy.run(Self.redisPyScript, named: "expiry", in: cluster,
                                             arguments: ["\(cluster.clientPorts[id]!)", prefix], timeoutMs: 60_000)
                #expect(result.status == 0 && result.stdout.contains("PASS"), "node \(id):\n\(result.output)")
                print("node \(id): " + (result.stdout.split(separator: "\n").first.map(String.init) ?? ""))
            }
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("keys set with PX under one leader expire under the next, on every node, and none comes back")
        func expiryAcrossLeaderChange() throws {
            let (cluster, leader, _) = try TestCluster.startSettled(tuning: Self.tuning)
            defer { cluster.stopAll() }
            let client = try cluster.client(leader)
            for i in 0..<20 { #expect(try client.call("SET", "ttl:\(i)", "v", "PX", "1500").text == "OK") }
            #expect(try client.call("SET", "keep", "v").text == "OK")
            cluster.kill(leader)
            let others = [1, 2, 3].filter { $0 != leader }
            let next = try #require(cluster.waitForLeader(among: others, timeoutMs: 10_000), "no new leader")
            // Gone within a deadline on both survivors, read linearizably.
            let gone = cluster.wait(timeoutMs: 15_000) {
                others.allSatisfy { id in (try? cluster.client(id).call("DBSIZE")) == .integer(1) }
            }
            #expect(gone, "keys with a 1.5 s TTL still there (new leader \(next))")
            // And they stay gone (also on the old leader, restarted from its log).
            try cluster.start(leader)
            let caughtUp = cluster.wait(timeoutMs: 15_000) {
                (try? cluster.client(leader).call("DBSIZE")) == .integer(1)
            }
            #expect(caughtUp, "the restarted node does not agree")
            for id in [1, 2, 3] {
                for i in 0..<20 { #expect(try cluster.client(id).call("EXISTS", "ttl:\(i)") == .integer(0), "node \(id)") }
                #expect(try cluster.client(id).call("GET", "keep").text == "v")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
