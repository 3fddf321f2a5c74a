import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// WATCH/MULTI/EXEC on a real cluster: redis-py's `transaction()` and
    /// `pipeline()` + `watch()` unmodified (a WatchError when another client
    /// changed the key), concurrent optimistic increments that lose none, on
    /// the leader and a follower, and a transaction across a leader change.
    @Suite("Cluster: WATCH transactions")
    struct WatchClusterTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300]

        static let redisPyScript = """
            ports = [int(x) for x in sys.argv[1].split(",")]
            p = sys.argv[2]
            clients = [redis.Redis(host="127.0.0.1", port=port, socket_timeout=10) for port in ports]
            r, other = clients[0], clients[-1]
            key = p + "c"
            r.set(key, 0)
            def incr(pipe):
                v = int(pipe.get(key))
                pipe.multi()
                pipe.set(key, v + 1)
            assert r.transaction(incr, key) == [True]
            assert r.get(key) == b"1"
            # Another client changes the watched key: EXEC answers nil, redis-py raises WatchError.
            with r.pipeline() as pipe:
                pipe.watch(key)
                assert pipe.get(key) == b"1"
                other.set(key, "changed")
                pipe.multi()
                pipe.set(key, "mine")
                try:
                    pipe.execute()
                    raise SystemExit("EXEC after a concurrent change did not raise WatchError")
                except redis.WatchError:
                    pass
            assert r.get(key) == b"changed"
            # Unchanged: the transaction applies; UNWATCH (pipeline reset) then a plain one.
            with r.pipeline() as pipe:
                pipe.watch(key)
                pipe.multi()
                pipe.set(key, "mine").get(key)
                assert pipe.execute() == [True, b"mine"]
            # Concurrent optimistic increments through every node: none lost.
            r.set(key, 0)
            per_thread, threads, retries = 25, 4, [0]
            lock = threading.Lock()
            give_up = time.time() + 60
            def worker(i):
                c = redis.Redis(host="127.0.0.1", port=ports[i % len(ports)], socket_timeout=10)
                for _ in range(per_thread):
                    while time.time() < give_up:
                        with c.pipeline() as pipe:
                            try:
                                pipe.watch(key)
                                v = int(pipe.get(key))
                                pipe.multi()
                                pipe.set(key, v + 1)
                                pipe.execute()
                                break
                            except redis.WatchError:
                                with lock:
                                    retries[0] += 1
            ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
            for t in ts: t.start()
            for t in ts: t.join()
            got = int(r.get(key))
            assert got == per_thread * threads, (got, per_thread * threads)
            print("%d optimistic increments, none lost, %d WatchError retries" % (got, retries[0]))
            print("PASS")
            """

        @Test("redis-py: transaction(), watch() + WatchError, concurrent increments through leader and follower lose none")
        func redisPy() throws {
            let (cluster, leader, follower) = try TestCluster.startSettled(tuning: Self.tuning)
            defer { cluster.stopAll() }
            for (first, second, prefix) in [(leader, follower, "lead:"), (follower, leader, "foll:")] {
                let ports = "\(cluster.clientPorts[first]!),\(cluster.clientPorts[second]!)"
                let result = try RedisPy.run(Self.redisPyScript, named: "watch", in: cluster, arguments: [ports, prefix],
                                             timeoutMs: 120_000)
                #expect(result.status == 0 && result.stdout.contains("PASS"), "node \(first):\n\(result.output)")
                print("from node \(first): " + (result.stdout.split(separator: "\n").first.map(String.init) ?? ""))
            }
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("a key watched on a follower before the leader is killed: EXEC applies under the new leader; a change meanwhile aborts it")
        func acrossLeaderChange() throws {
            let (cluster, leader, follower) = try TestCluster.startSettled(tuning: Self.tuning)
            defer { cluster.stopAll() }
            let third = [1, 2, 3].first { $0 != leader && $0 != follower }!
            let setup = try cluster.client(leader)
            #expect(try setup.call("SET", "w", "10").text == "OK")
            #expect(try setup.call("SET", "v", "10").text == "OK")
            let quiet = try cluster.client(follower, timeoutSeconds: 10)
            let busy = try cluster.client(follower, timeoutSeconds: 10)
            #expect(try quiet.call("WATCH", "w").text == "OK")
            #expect(try quiet.call("GET", "w").text == "10")
            #expect(try busy.call("WATCH", "v").text == "OK")
            cluster.kill(leader)
            _ = try #require(cluster.waitForLeader(among: [follower, third], timeoutMs: 10_000), "no new leader")
            // Another client changes v under the new leader.
            #expect(try cluster.client(third, timeoutSeconds: 10).call("SET", "v", "changed").text == "OK")
            for (client, key) in [(quiet, "w"), (busy, "v")] {
                #expect(try client.call("MULTI").text == "OK")
                #expect(try client.call("INCRBY", key, "5").text == "QUEUED")
            }
            #expect(try quiet.call("EXEC") == .array([.integer(15)]))
            #expect(try busy.call("EXEC") == .array(nil))
            #expect(try quiet.call("GET", "w").text == "15")
            #expect(try busy.call("GET", "v").text == "changed")
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
