import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Stock Redis clients against a real 3-node cluster, on the leader and
    /// on a follower: `redis-cli` (formatted output, `--scan`, `--pipe`),
    /// `redis-benchmark`, redis-py (HELLO 3, MULTI/EXEC pipelines).
    /// A missing tool fails the test with the command that installs it.
    @Suite("Cluster: interop with stock Redis tools")
    struct InteropTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300]

        static func startCluster() throws -> (TestCluster, leader: Int, follower: Int) {
            try TestCluster.startSettled(tuning: tuning)
        }

        /// `redis-cli -p PORT --no-raw ARGS…`: the output a terminal user sees, trailing newline dropped.
        static func redisCLI(_ cluster: TestCluster, _ id: Int, _ arguments: String...) throws -> String {
            try redisCLI(cluster, id, arguments)
        }

        static func redisCLI(_ cluster: TestCluster, _ id: Int, _ arguments: [String]) throws -> String {
            let result = try InteropTool.run("redis-cli", ["-p", "\(cluster.clientPorts[id]!)", "--no-raw"] + arguments,
                                             in: cluster.directory, tag: "redis-cli", timeoutMs: 10_000)
            guard result.status == 0 else { throw HarnessError("redis-cli \(arguments) failed: \(result.output)") }
            var out = result.stdout
            while out.hasSuffix("\n") { out.removeLast() }
            return out
        }

        @Test("redis-cli on the leader and on a follower: SET/GET/DEL/INCR/MSET/MGET/EXISTS/DBSIZE/KEYS/SCAN print as with Redis")
        func redisCLICommands() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            for (id, prefix) in [(leader, "lead"), (follower, "foll")] {
                let cli = { (arguments: [String]) throws -> String in
                    try Self.redisCLI(cluster, id, arguments)
                }
                let context = "node \(id) (\(prefix))"
                #expect(try cli(["SET", "\(prefix):k", "hello world"]) == "OK", "\(context)")
                #expect(try cli(["GET", "\(prefix):k"]) == "\"hello world\"", "\(context)")
                #expect(try cli(["GET", "\(prefix):missing"]) == "(nil)", "\(context)")
                #expect(try cli(["INCR", "\(prefix):n"]) == "(integer) 1", "\(context)")
                #expect(try cli(["INCR", "\(prefix):n"]) == "(integer) 2", "\(context)")
                #expect(try cli(["MSET", "\(prefix):a", "1", "\(prefix):b", "2"]) == "OK", "\(context)")
                #expect(try cli(["MGET", "\(prefix):a", "\(prefix):b", "\(prefix):missing"]) == "1) \"1\"\n2) \"2\"\n3) (nil)", "\(context)")
                #expect(try cli(["EXISTS", "\(prefix):a", "\(prefix):b", "\(prefix):missing"]) == "(integer) 2", "\(context)")
                #expect(try cli(["SET", "\(prefix):gone", "x"]) == "OK", "\(context)")
                #expect(try cli(["DEL", "\(prefix):gone", "\(prefix):missing"]) == "(integer) 1", "\(context)")
                #expect(try cli(["GET", "\(prefix):gone"]) == "(nil)", "\(context)")
                #expect(try cli(["PING"]) == "PONG", "\(context)")
                #expect(try cli(["ECHO", "hi there"]) == "\"hi there\"", "\(context)")
                #expect(try cli(["SET", "\(prefix):n", "not a number"]) == "OK", "\(context)")
                let wrongType = try cli(["INCR", "\(prefix):n"])
                #expect(wrongType.hasPrefix("(error) ERR "), "\(context): \(wrongType)")
                let unknown = try cli(["NOSUCHCOMMAND", "x"])
                #expect(unknown.hasPrefix("(error) ERR "), "\(context): \(unknown)")
            }
            // Both prefixes hold k, n, a, b: 8 keys, seen the same from either node.
            let all = ["foll:a", "foll:b", "foll:k", "foll:n", "lead:a", "lead:b", "lead:k", "lead:n"]
            for id in [leader, follower] {
                #expect(try Self.redisCLI(cluster, id, "DBSIZE") == "(integer) 8", "node \(id)")
                let keys = try Self.redisCLI(cluster, id, "KEYS", "lead:*")
                #expect(Self.arrayItems(keys).sorted() == ["lead:a", "lead:b", "lead:k", "lead:n"], "node \(id): \(keys)")
                #expect(try Self.redisCLI(cluster, id, "KEYS", "nothing*") == "(empty array)", "node \(id)")
                // One SCAN call with a large COUNT: cursor "0" and every match.
                let scan = try Self.redisCLI(cluster, id, "SCAN", "0", "MATCH", "foll:*", "COUNT", "1000")
                #expect(scan.hasPrefix("1) \"0\"\n2) "), "node \(id): \(scan)")
                #expect(Self.arrayItems(scan).dropFirst().sorted() == ["foll:a", "foll:b", "foll:k", "foll:n"], "node \(id): \(scan)")
                // redis-cli's own cursor loop (raw output, one key a line).
                let scanned = try InteropTool.run("redis-cli", ["-p", "\(cluster.clientPorts[id]!)", "--scan"],
                                                  in: cluster.directory, tag: "redis-cli-scan", timeoutMs: 10_000)
                #expect(scanned.status == 0, "\(scanned.output)")
                #expect(scanned.stdout.split(separator: "\n").map(String.init).sorted() == all, "node \(id): \(scanned.output)")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }

        /// A tool's result with repeated lines counted, so 10,000 lines stay readable.
        static func summary(_ result: InteropTool.Result) -> String {
            func counted(_ text: String) -> String {
                var counts: [String: Int] = [:]
                for line in text.split(separator: "\n") { counts[String(line), default: 0] += 1 }
                return counts.sorted { $0.key < $1.key }.prefix(20).map { "\($0.value)x \($0.key)" }.joined(separator: "\n")
            }
            return "exit \(result.status) after \(result.elapsedMs) ms\n--- stdout ---\n\(counted(result.stdout))\n--- stderr ---\n\(counted(result.stderr))"
        }

        /// Every node's log without debug lines, for failure messages.
        static func eventLogs(_ cluster: TestCluster) -> String {
            cluster.logs().split(separator: "\n").filter { !$0.contains("level=debug") }.suffix(80).joined(separator: "\n")
        }

        /// The quoted items of redis-cli's formatted array output (`1) "x"`, nested `2) 1) "y"`).
        static func arrayItems(_ text: String) -> [String] {
            text.split(separator: "\n").compactMap { line in
                guard let open = line.firstIndex(of: "\""), let close = line.lastIndex(of: "\""), open < close else { return nil }
                return String(line[line.index(after: open)..<close])
            }
        }

        @Test("redis-cli --pipe: 10,000 SETs in RESP through a follower report errors: 0, replies: 10000, and every key reads back")
        func massInsertion() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            let count = 10_000
            var input: [UInt8] = []
            for i in 0..<count { input += respCommand(["SET", "mass:\(i)", "value-\(i)"]) }
            let started = nowMs()
            let result = try InteropTool.run("redis-cli", ["-p", "\(cluster.clientPorts[follower]!)", "--pipe"], stdin: input,
                                             in: cluster.directory, tag: "pipe", timeoutMs: 60_000)
            print("redis-cli --pipe: \(count) SETs through follower \(follower) in \(nowMs() - started) ms")
            #expect(result.status == 0, "\(Self.summary(result))")
            #expect(result.stdout.contains("errors: 0, replies: \(count)"), "\(Self.summary(result))")
            // Every key, read back linearizably through the leader with one MGET.
            let reader = try cluster.client(leader, timeoutSeconds: 10)
            let keys = (0..<count).map { Array("mass:\($0)".utf8) }
            let reply = try reader.call([Array("MGET".utf8)] + keys)
            guard case .array(let values?) = reply else {
                Issue.record("MGET answered \(reply)")
                return
            }
            #expect(values.count == count)
            let wrong = values.enumerated().filter { $0.element != .bulk(Array("value-\($0.offset)".utf8)) }.map(\.offset)
            #expect(wrong.isEmpty, "\(wrong.count) keys wrong, first: \(wrong.prefix(10))\n\(Self.eventLogs(cluster))")
            #expect(try reader.call("DBSIZE") == .integer(Int64(count)))
            // redis-cli's SCAN loop (COUNT 10 a call) over a follower: 1 + 10 + 100 + 1,000 keys match.
            let scanned = try InteropTool.run("redis-cli", ["-p", "\(cluster.clientPorts[follower]!)", "--scan", "--pattern", "mass:1*"],
                                              in: cluster.directory, tag: "scan", timeoutMs: 30_000)
            let found = scanned.stdout.split(separator: "\n").map(String.init)
            #expect(scanned.status == 0, "\(scanned.output)")
            // Every matching key exactly once (SCAN walks (hash, key) order, not key order: see the report).
            #expect(found.count == 1_111 && Set(found).count == 1_111, "\(found.count) keys, \(Set(found).count) distinct")
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("redis-benchmark -t set,get -n 2000 -q completes on leader and follower without a CONFIG warning")
        func benchmark() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            for (id, role) in [(leader, "leader"), (follower, "follower")] {
                let result = try InteropTool.run("redis-benchmark", ["-p", "\(cluster.clientPorts[id]!)", "-t", "set,get", "-n", "2000", "-q"],
                                                 in: cluster.directory, tag: "benchmark", timeoutMs: 60_000)
                #expect(result.status == 0, "\(result.output)")
                let text = result.stdout + "\n" + result.stderr
                #expect(!text.lowercased().contains("warning"), "redis-benchmark warned:\n\(result.output)")
                // -q prints "SET: 1234.57 requests per second, p50=… msec" after \r progress lines.
                let lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).map(String.init)
                for command in ["SET", "GET"] {
                    let line = lines.last { $0.hasPrefix("\(command): ") && $0.contains("requests per second") }
                    let rate = line.flatMap { Double($0.dropFirst(command.count + 2).prefix { $0 != " " }) }
                    #expect(rate.map { $0 > 0 } == true, "no \(command) rate on the \(role):\n\(result.output)")
                    print("redis-benchmark on the \(role) (node \(id)): \(line ?? "none")")
                }
            }
            // The benchmark's own key (key:__rand_int__ without -r) holds its 3-byte value.
            let value = try cluster.client(leader).call("GET", "key:__rand_int__")
            #expect(value.text?.utf8.count == 3, "\(value)")
            cluster.stopAll()
            cluster.removeFiles()
        }

        /// Runs with redis-py's defaults (it may open with HELLO 3), then a
        /// transactional pipeline (MULTI/EXEC) and a plain one.
        static let redisPyScript = """
            r = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]), socket_timeout=10)
            p = sys.argv[2]
            assert r.ping() is True
            assert r.set(p + "k", "v") is True
            assert r.get(p + "k") == b"v", r.get(p + "k")
            assert r.get(p + "missing") is None
            assert r.incr(p + "n") == 1
            assert r.incr(p + "n", 5) == 6
            assert r.mset({p + "a": "1", p + "b": "2"}) is True
            assert r.mget([p + "a", p + "b", p + "missing"]) == [b"1", b"2", None]
            assert r.exists(p + "a", p + "b", p + "missing") == 2
            assert r.delete(p + "a") == 1
            with r.pipeline() as pipe:
                pipe.set(p + "t", "1").incr(p + "t").incrby(p + "t", 10).get(p + "t")
                got = pipe.execute()
            assert got == [True, 2, 12, b"12"], got
            with r.pipeline(transaction=False) as pipe:
                pipe.set(p + "u", "x").get(p + "u").incr(p + "n")
                got = pipe.execute()
            assert got == [True, b"x", 7], got
            try:
                r.incr(p + "u")
                raise SystemExit("INCR of a non-number did not raise")
            except redis.ResponseError as e:
                assert "ERR" in str(e) or "not an integer" in str(e), str(e)
            assert r.get(p + "t") == b"12"
            conn = r.connection_pool.get_connection()
            print("redis-py", redis.__version__, "protocol", getattr(conn, "protocol", "?"))
            r.connection_pool.release(conn)
            print("PASS")
            """

        @Test("redis-py with default settings: set/get/incr, MULTI/EXEC pipeline, plain pipeline, on leader and follower")
        func redisPy() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            for (id, prefix) in [(leader, "py-lead:"), (follower, "py-foll:")] {
                let result = try RedisPy.run(Self.redisPyScript, named: "client", in: cluster,
                                             arguments: ["\(cluster.clientPorts[id]!)", prefix], timeoutMs: 30_000)
                #expect(result.status == 0 && result.stdout.contains("PASS"), "node \(id):\n\(result.output)")
                print(result.stdout.split(separator: "\n").first.map { "node \(id): \($0)" } ?? "")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
