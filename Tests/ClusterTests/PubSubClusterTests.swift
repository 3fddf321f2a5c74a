import Chaos
import Client
import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Pub/sub through the log: PUBLISH on one node reaches subscribers on
    /// another, keyspace notifications (`expired` too) arrive in log order,
    /// redis-py's `pubsub()` works unmodified, RESP3 gets push frames.
    @Suite("Cluster: pub/sub and keyspace notifications")
    struct PubSubClusterTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300]

        static let redisPyScript = """
            writer_port, reader_port = int(sys.argv[1]), int(sys.argv[2])
            p = sys.argv[3]
            w = redis.Redis(host="127.0.0.1", port=writer_port, socket_timeout=10)
            s = redis.Redis(host="127.0.0.1", port=reader_port, socket_timeout=10)
            assert s.config_set("notify-keyspace-events", "KEA") is True
            assert s.config_get("notify-keyspace-events") == {"notify-keyspace-events": "AKE"}
            keys = s.pubsub()
            keys.psubscribe("__keyspace@0__:" + p + "*")
            news = s.pubsub()
            news.subscribe(p + "news")
            for sub in (keys, news):
                m = sub.get_message(timeout=5)
                assert m is not None and m["type"] in ("psubscribe", "subscribe"), m
            w.set(p + "k", "v")
            w.set(p + "t", "v", px=100)
            w.delete(p + "k")
            assert w.publish(p + "news", "hello") == 0  # no receiver on the writer's node
            assert s.publish(p + "news", "again") == 1  # one on the reader's
            seen, deadline = [], time.time() + 10
            while len(seen) < 4 and time.time() < deadline:
                m = keys.get_message(timeout=1)
                if m and m["type"] == "pmessage":
                    seen.append((m["channel"].decode().split(":", 1)[1], m["data"].decode()))
            # KEA: "A" is every class but "new" (n), as in Redis.
            expected = [(p + "k", "set"), (p + "t", "set"), (p + "t", "expire"), (p + "k", "del")]
            assert seen == expected, seen
            # The key with a TTL expires: announced as it is deleted in the log.
            m, deadline = None, time.time() + 10
            while time.time() < deadline:
                m = keys.get_message(timeout=1)
                if m and m["type"] == "pmessage":
                    break
            assert m["data"] == b"expired" and m["channel"] == ("__keyspace@0__:" + p + "t").encode(), m
            got = []
            while len(got) < 2:
                m = news.get_message(timeout=5)
                assert m is not None, got
                if m["type"] == "message":
                    got.append(m["data"])
            assert got == [b"hello", b"again"], got
            keys.close(); news.close()
            print("PASS")
            """

        @Test("redis-py: psubscribe keyspace events and subscribe a channel on one node, write and PUBLISH on another")
        func redisPy() throws {
            let (cluster, leader, follower) = try TestCluster.startSettled(tuning: Self.tuning)
            defer { cluster.stopAll() }
            for (writer, reader, prefix) in [(leader, follower, "a:"), (follower, leader, "b:")] {
                let result = try RedisPy.run(Self.redisPyScript, named: "pubsub", in: cluster,
                                             arguments: ["\(cluster.clientPorts[writer]!)", "\(cluster.clientPorts[reader]!)", prefix],
                                             timeoutMs: 60_000)
                #expect(result.status == 0 && result.stdout.contains("PASS"), "writer \(writer), reader \(reader):\n\(result.output)")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("RESP3 subscribers get push frames; every node's subscribers see PUBLISHes from several nodes in one order")
        func orderAndPush() throws {
            let (cluster, leader, follower) = try TestCluster.startSettled(tuning: Self.tuning)
            defer { cluster.stopAll() }
            let third = [1, 2, 3].first { $0 != leader && $0 != follower }!
            var subscribers: [RESPClient] = []
            for id in [1, 2, 3] {
                let client = try cluster.client(id, timeoutSeconds: 5)
                if id == third { _ = try client.call("HELLO", "3") }
                #expect(try client.call("SUBSCRIBE", "ch") == (id == third ? .push([.bulk(b("subscribe")), .bulk(b("ch")), .integer(1)])
                                                                              : .array([.bulk(b("subscribe")), .bulk(b("ch")), .integer(1)])))
                subscribers.append(client)
            }
            // RESP2 subscribed mode refuses other commands, as Redis does.
            #expect(try subscribers[0].call("GET", "x").text?.hasPrefix("ERR Can't execute 'get'") == true)
            #expect(try subscribers[0].call("PING") == .array([.bulk(b("pong")), .bulk(b(""))]))
            let publishers = [try cluster.client(leader), try cluster.client(follower)]
            for i in 0..<20 { _ = try publishers[i % 2].call("PUBLISH", "ch", "m\(i)") }
            var orders: [[String]] = []
            for client in subscribers {
                var got: [String] = []
                while got.count < 20 {
                    let frame = try client.readReply()
                    guard case .array(let items?) = frame.asArray, items.count == 3, case .bulk(let data?) = items[2] else {
                        Issue.record("unexpected frame \(frame)")
                        break
                    }
                    got.append(String(decoding: data, as: UTF8.self))
                }
                orders.append(got)
            }
            #expect(orders[0] == orders[1] && orders[1] == orders[2], "\(orders)")
            #expect(Set(orders[0]) == Set((0..<20).map { "m\($0)" }))
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

private extension RESPValue {
    /// A push or an array, as an array.
    var asArray: RESPValue {
        if case .push(let items) = self { return .array(items) }
        return self
    }
}

extension ClusterSuite.PubSubClusterTests {
    @Test("kvctl watch PREFIX prints each applied change (slot, event, key, value) of keys with the prefix, in log order, until killed")
    func kvctlWatch() throws {
        let (cluster, leader, follower) = try TestCluster.startSettled(tuning: Self.tuning)
        defer { cluster.stopAll() }
        let kvctl = try #require(builtExecutable("kvctl"), "no kvctl in this build")
        let watcher = try DaemonProcess(executable: kvctl,
                                        arguments: ["--endpoints", "127.0.0.1:\(cluster.clientPorts[follower]!)", "watch", "w:"],
                                        logPath: cluster.directory + "/watch.log")
        defer { watcher.kill() }
        #expect(cluster.wait(timeoutMs: 10_000) { watcher.log.contains("watching keys starting with 'w:'") }, "\(watcher.log)")
        let client = try cluster.client(leader)
        _ = try client.call("SET", "w:a", "1")
        _ = try client.call("SET", "other", "x")
        _ = try client.call("INCR", "w:a")
        _ = try client.call("SET", "w:t", "v", "PX", "50")
        _ = try client.call("DEL", "w:a")
        let expected = ["set w:a 1", "incrby w:a 2", "set w:t v", "expire w:t v", "del w:a", "expired w:t"]
        let lines = { watcher.log.split(separator: "\n").filter { !$0.hasPrefix("watching") }.map(String.init) }
        #expect(cluster.wait(timeoutMs: 10_000) { lines().count >= expected.count }, "\(watcher.log)")
        let got = lines()
        #expect(got.map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? "" } == expected, "\(got)")
        let slots = got.compactMap { UInt64($0.split(separator: " ").first ?? "") }
        #expect(slots.count == expected.count && zip(slots, slots.dropFirst()).allSatisfy { $0 <= $1 }, "\(got)")
        cluster.stopAll()
        cluster.removeFiles()
    }
}
