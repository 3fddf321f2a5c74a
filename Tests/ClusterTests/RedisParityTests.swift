import Chaos
import Client
import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// The string and keyspace commands answer as Redis does: one script,
    /// sent to a real `redis-server` and to a 3-node cluster (alternately
    /// the leader and a follower, which forwards), reply for reply.
    @Suite("Cluster: string and keyspace commands answer as Redis does")
    struct RedisParityTests {
        /// Each line one command; replies compared exactly (errors included).
        static let script: [[String]] = [
            ["SETNX", "a", "1"], ["SETNX", "a", "2"], ["GETSET", "a", "2"], ["GETSET", "new", "v"], ["GET", "a"],
            ["APPEND", "a", "xyz"], ["APPEND", "fresh", "abc"], ["STRLEN", "a"], ["STRLEN", "missing"],
            ["GETRANGE", "a", "1", "-1"], ["GETRANGE", "a", "-100", "100"], ["GETRANGE", "a", "5", "2"],
            ["GETRANGE", "a", "-1", "-2"], ["GETRANGE", "missing", "0", "-1"], ["GETRANGE", "a", "x", "1"],
            ["SETRANGE", "b", "3", "hi"], ["GET", "b"], ["SETRANGE", "b", "0", "HE"], ["GET", "b"],
            ["SETRANGE", "nokey", "5", ""], ["EXISTS", "nokey"], ["SETRANGE", "b", "9999999999999", ""], ["SETRANGE", "b", "-1", "x"], ["SETRANGE", "b", "y", "x"],
            ["TYPE", "a"], ["TYPE", "nope"],
            ["RENAME", "a", "c"], ["EXISTS", "a"], ["RENAMENX", "c", "b"], ["RENAMENX", "c", "d0"], ["RENAME", "zz", "q"],
            ["RENAME", "c", "c"], ["RENAMENX", "d0", "d0"], ["RENAMENX", "zz", "q"],
            ["COPY", "d0", "d"], ["COPY", "d0", "d"], ["COPY", "d0", "d", "REPLACE"], ["COPY", "d0", "d0"],
            ["COPY", "missing", "e"], ["COPY", "d0", "e", "DB", "0"], ["COPY", "d0", "f", "BOGUS"],
            ["MSETNX", "x", "1", "y", "2"], ["MSETNX", "x", "1", "z", "2"], ["EXISTS", "z"], ["MSETNX", "x"],
            ["TOUCH", "x", "y", "z"], ["UNLINK", "x", "y", "nope"], ["GETDEL", "d"], ["GETDEL", "d"],
            ["SETNX", "k"], ["GETDEL"], ["STRLEN", "a", "b"],
            ["MULTI"], ["SETNX", "m", "1"], ["APPEND", "m", "2"], ["GETRANGE", "m", "0", "0"], ["EXEC"],
            ["DBSIZE"], ["FLUSHDB", "FOO"], ["FLUSHALL", "SYNC"], ["DBSIZE"], ["FLUSHDB", "ASYNC"], ["FLUSHDB"],
            ["RANDOMKEY"], ["SET", "only", "12345"], ["RANDOMKEY"], ["RANDOMKEY", "x"],
            ["OBJECT", "ENCODING", "only"], ["SET", "s", "hello"], ["OBJECT", "ENCODING", "s"],
            ["SET", "long", String(repeating: "a", count: 50)], ["OBJECT", "ENCODING", "long"],
            ["SET", "edge", String(repeating: "b", count: 44)], ["OBJECT", "ENCODING", "edge"],
            ["OBJECT", "ENCODING", "nope"], ["OBJECT", "ENCODING"], ["OBJECT", "FOO", "x"],
            ["DEL", "s", "long", "edge"], ["SCAN", "0", "TYPE", "string"], ["SCAN", "0", "TYPE", "hash"],
            ["SCAN", "0", "TYPE", "STRING", "MATCH", "o*"], ["SCAN", "0", "TYPE"],
            // Expiry: replies that do not depend on the ms between commands (TTLs of 100 s and more, absolute deadlines).
            ["SET", "e1", "v", "EX", "100"], ["TTL", "e1"], ["EXPIRE", "e1", "50", "GT"], ["EXPIRE", "e1", "200", "GT"],
            ["TTL", "e1"], ["EXPIRE", "e1", "300", "NX"], ["EXPIRE", "e1", "300", "XX", "LT"], ["TTL", "e1"],
            ["EXPIRE", "e1", "10", "NX", "XX"], ["EXPIRE", "e1", "10", "GT", "LT"], ["EXPIRE", "e1", "10", "FOO"],
            ["EXPIRE", "e1", "ten"], ["EXPIRE", "e1", "9223370399119966"], ["PEXPIRE", "e1", "9223372036854770000"],
            ["EXPIRE", "e1"], ["PERSIST", "e1"], ["PERSIST", "e1"], ["TTL", "e1"], ["TTL", "nokey"], ["PTTL", "nokey"],
            ["PERSIST", "nokey"], ["EXPIRE", "nokey", "10"],
            ["SET", "e2", "v", "PXAT", "4102444800000"], ["PEXPIRETIME", "e2"], ["EXPIRETIME", "e2"], ["EXPIRETIME", "e1"],
            ["EXPIRETIME", "nokey"], ["SET", "e2", "w", "KEEPTTL"], ["PEXPIRETIME", "e2"], ["SET", "e2", "x", "GET"],
            ["PEXPIRETIME", "e2"], ["SET", "e3", "v", "EXAT", "1"], ["GET", "e3"], ["EXISTS", "e3"],
            ["SET", "e4", "v"], ["EXPIRE", "e4", "-1"], ["EXISTS", "e4"], ["EXPIRE", "e4", "10"],
            ["SET", "e5", "v", "EX", "0"], ["SET", "e5", "v", "PX", "-5"], ["SET", "e5", "v", "EX", "1", "PX", "1"],
            ["SET", "e5", "v", "EX"], ["SET", "e5", "v", "EX", "x"], ["SET", "e5", "v", "KEEPTTL", "EX", "5"],
            ["SET", "e5", "v", "EX", "5", "EX", "500"], ["TTL", "e5"],
            ["SETEX", "e6", "100", "v"], ["TTL", "e6"], ["SETEX", "e6", "0", "v"], ["PSETEX", "e6", "-1", "v"],
            ["PSETEX", "e6", "100000", "w"], ["GET", "e6"], ["SETEX", "e6", "x"],
            ["GETEX", "e6", "PERSIST"], ["TTL", "e6"], ["GETEX", "e6", "EXAT", "4102444800"], ["EXPIRETIME", "e6"],
            ["GETEX", "e6", "PERSIST", "EX", "1"], ["GETEX", "nokey", "EX", "5"], ["GETEX", "e6", "EX", "0"], ["GETEX", "e6"],
            ["SET", "r1", "v", "PXAT", "4102444800123"], ["RENAME", "r1", "r2"], ["PEXPIRETIME", "r2"], ["COPY", "r2", "r3"],
            ["PEXPIRETIME", "r3"], ["SET", "r4", "plain"], ["RENAME", "r4", "r3"], ["PEXPIRETIME", "r3"],
            ["SET", "g", "1", "NX", "GET"], ["SET", "g", "2", "NX", "GET"], ["GET", "g"], ["SET", "g", "3", "XX", "GET"],
            ["SET", "nog", "1", "XX", "GET"], ["EXISTS", "nog"],
            ["SET", "cnt", "1", "EX", "100"], ["INCR", "cnt"], ["TTL", "cnt"], ["APPEND", "cnt", "0"], ["TTL", "cnt"],
            ["SETRANGE", "cnt", "0", "9"], ["TTL", "cnt"], ["GETSET", "cnt", "5"], ["TTL", "cnt"],
            ["SET", "e7", "v", "EX", "100"], ["SET", "e7", "w"], ["TTL", "e7"], ["EXPIREAT", "e7", "4102444800"],
            ["EXPIRETIME", "e7"], ["PEXPIREAT", "e7", "1"], ["EXISTS", "e7"],
            ["MULTI"], ["SET", "m1", "v", "EX", "100"], ["TTL", "m1"], ["EXPIRE", "m1", "1000"], ["TTL", "m1"], ["EXEC"],
            // WATCH (one connection from WATCH to EXEC/DISCARD/UNWATCH): a change, even its own, aborts EXEC.
            ["WATCH", "wk"], ["SET", "wk", "1"], ["MULTI"], ["GET", "wk"], ["EXEC"],
            ["WATCH", "wk"], ["MULTI"], ["WATCH", "x"], ["GET", "wk"], ["EXEC"],
            ["WATCH", "wk", "nokey"], ["SET", "nokey", "now"], ["MULTI"], ["EXEC"],
            ["WATCH", "wk"], ["UNWATCH"], ["SET", "wk", "2"], ["MULTI"], ["GET", "wk"], ["EXEC"],
            ["WATCH", "wk"], ["MULTI"], ["SET", "wk", "3"], ["DISCARD"], ["SET", "wk", "4"], ["MULTI"], ["GET", "wk"], ["EXEC"],
            ["WATCH", "wk"], ["EXPIRE", "wk", "100"], ["MULTI"], ["GET", "wk"], ["EXEC"],
            ["WATCH", "wk"], ["SETNX", "wk", "5"], ["MULTI"], ["GET", "wk"], ["EXEC"],
            ["WATCH", "gone"], ["FLUSHALL"], ["MULTI"], ["EXEC"], ["WATCH"], ["UNWATCH"],
            // INCRBYFLOAT, the cases of Redis's own tests: long double arithmetic, %.17Lf less trailing zeros.
            ["INCRBYFLOAT", "f", "1"], ["INCRBYFLOAT", "f", "0.25"], ["SET", "f", "1.5"], ["INCRBYFLOAT", "f", "1.5"],
            ["SET", "f", "17179869184"], ["INCRBYFLOAT", "f", "1.5"], ["INCRBYFLOAT", "f", "17179869184"],
            ["SET", "f", "10.5"], ["INCRBYFLOAT", "f", "0.1"], ["INCRBYFLOAT", "f", "-1.1"], ["INCRBYFLOAT", "f", "5.0e3"],
            ["INCRBYFLOAT", "f", "-10609.5"], ["INCRBYFLOAT", "f", "0.024390243902439025"], ["INCRBYFLOAT", "f", "-0.024390243902439025"],
            ["SET", "f", "    11"], ["INCRBYFLOAT", "f", "1"], ["SET", "f", "11"], ["INCRBYFLOAT", "f", "  1"],
            ["INCRBYFLOAT", "f", "x"], ["INCRBYFLOAT", "f", "+inf"], ["INCRBYFLOAT", "f", "nan"], ["INCRBYFLOAT", "f"],
            ["SET", "f", "1"], ["SETRANGE", "f", "2", "2"], ["INCRBYFLOAT", "f", "1"], ["SET", "f", "1e308"],
            ["INCRBYFLOAT", "f", "1e308"], ["GET", "f"], ["SET", "f", "3", "EX", "100"], ["INCRBYFLOAT", "f", "0.5"], ["TTL", "f"],
        ]

        @Test("every reply equals redis-server's, on the leader and on a follower")
        func parity() throws {
            let redisPath = try InteropTool.locate("redis-server")
            let cluster = try TestCluster(size: 3)
            defer { cluster.stopAll() }
            let port = try freePorts(1)[0]
            let redis = try DaemonProcess(executable: redisPath,
                                          arguments: ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                                          logPath: cluster.directory + "/redis.log")
            defer { redis.kill() }
            try cluster.startAll()
            let leader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "\(cluster.logs())")
            let follower = [1, 2, 3].first { $0 != leader }!
            #expect(cluster.wait(timeoutMs: 5_000) { (try? RESPClient(host: "127.0.0.1", port: port, timeoutSeconds: 1)) != nil },
                    "\(redis.log)")
            let reference = try RESPClient(host: "127.0.0.1", port: port, timeoutSeconds: 2)
            let nodes = [try cluster.client(leader), try cluster.client(follower)]
            var mismatches: [String] = []
            var turn = 0
            var inMulti = false
            for words in Self.script {
                let args = words.map { Array($0.utf8) }
                let expected = try reference.call(args)
                // Alternate nodes per command, but a transaction stays on its connection.
                if words[0] == "MULTI" || words[0] == "WATCH" { inMulti = true }
                let got = try nodes[turn % 2].call(args)
                if got != expected {
                    mismatches.append("\(words.joined(separator: " ")) on node \(turn % 2 == 0 ? leader : follower): "
                        + "redis \(expected), paxoskv \(got)")
                }
                if ["EXEC", "DISCARD", "UNWATCH"].contains(words[0]) { inMulti = false }
                if !inMulti { turn += 1 }
            }
            #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
            cluster.removeFiles()
        }
    }
}
