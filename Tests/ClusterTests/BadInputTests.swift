import PaxosCore
import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Hostile or broken clients on a client port of a real 3-node cluster.
    /// After each, the node still answers other clients correctly and its
    /// process is alive (DESIGN §3: no malformed input can crash a daemon).
    @Suite("Cluster: bad input on a client port")
    struct BadInputTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300]

        static func startCluster() throws -> (TestCluster, leader: Int, follower: Int) {
            try TestCluster.startSettled(tuning: tuning)
        }

        /// A fresh client on node `id` gets PONG and reads back its own write; the process is alive.
        static func expectHealthy(_ cluster: TestCluster, _ id: Int, after what: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
            #expect(cluster.processes[id]?.pollExit() == nil, "node \(id) died after \(what):\n\(cluster.logs())",
                    sourceLocation: sourceLocation)
            do {
                let client = try cluster.client(id, timeoutSeconds: 5)
                defer { client.close() }
                #expect(try client.call("PING") == .simpleString("PONG"), "node \(id) after \(what)", sourceLocation: sourceLocation)
                let key = "healthy:\(nowMs())"
                #expect(try client.call("SET", key, what) == .simpleString("OK"), "node \(id) after \(what)", sourceLocation: sourceLocation)
                #expect(try client.call("GET", key) == .bulk(Array(what.utf8)), "node \(id) after \(what)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("node \(id) does not serve after \(what): \(error)\n\(cluster.logs())", sourceLocation: sourceLocation)
            }
        }

        @Test("garbage bytes: a protocol error closes that connection only; binary noise never crashes the node")
        func garbage() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            for id in [leader, follower] {
                // A bystander connection opened before the garbage keeps working after it.
                let bystander = try cluster.client(id, timeoutSeconds: 5)
                for (name, bytes) in [("bad multibulk length", Array("*abc\r\n".utf8)),
                                      ("bad bulk header", Array("*1\r\n+PING\r\n".utf8)),
                                      ("negative bulk length", Array("*2\r\n$-5\r\nxx\r\n".utf8))] {
                    let raw = try RawSocket(port: cluster.clientPorts[id]!)
                    raw.send(bytes)
                    let (text, closed) = raw.readUntilClosed()
                    #expect(text.hasPrefix("-ERR Protocol error"), "node \(id), \(name): \(text.debugDescription)")
                    #expect(closed, "node \(id), \(name): the connection must be closed after a protocol error")
                }
                // 64 KiB of seeded noise: whatever it parses as, the node stays up.
                var generator = SplitMix64(seed: UInt64(id))
                let noise = (0..<65_536).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                let raw = try RawSocket(port: cluster.clientPorts[id]!, timeoutSeconds: 1)
                raw.send(noise)
                _ = raw.readUntilClosed()
                #expect(try bystander.call("PING", "still here") == .bulk("still here"), "node \(id)")
                Self.expectHealthy(cluster, id, after: "garbage bytes")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("a bulk length of 2^40 is refused at once and allocates nothing; a 5 MiB bulk (over the 4 MiB request limit) too")
        func hugeBulkLength() throws {
            let (cluster, leader, _) = try Self.startCluster()
            defer { cluster.stopAll() }
            let raw = try RawSocket(port: cluster.clientPorts[leader]!)
            raw.send("*1\r\n$1099511627776\r\n")
            let (text, closed) = raw.readUntilClosed()
            #expect(text.hasPrefix("-ERR Protocol error"), "\(text.debugDescription)")
            #expect(closed)
            Self.expectHealthy(cluster, leader, after: "a bulk length of 2^40")

            // Over the request limit for real: 5 MiB of value follow the header.
            let big = try cluster.client(leader, timeoutSeconds: 5)
            var answer: String
            do {
                try big.send([Array("SET".utf8), Array("big".utf8), [UInt8](repeating: 0x61, count: 5 << 20)])
                answer = "\(try big.readReply())"
            } catch {
                answer = "connection ended: \(error)"  // a reset may overtake the error reply
            }
            #expect(answer.contains("ERR") || answer.hasPrefix("connection ended"), "\(answer.prefix(300))")
            print("5 MiB SET: \(answer.prefix(200))")
            #expect(try cluster.client(leader).call("GET", "big") == .bulk(nil), "nothing applied")
            Self.expectHealthy(cluster, leader, after: "a 5 MiB bulk")
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("half a request, then close: nothing applied, the node serves on")
        func halfRequest() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            for id in [leader, follower] {
                do {
                    let raw = try RawSocket(port: cluster.clientPorts[id]!)
                    raw.send("*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\n01234")
                }  // closed here, mid-bulk
                do {
                    let raw = try RawSocket(port: cluster.clientPorts[id]!)
                    raw.send("*2\r\n$3\r\nGE")
                }
                usleep(100_000)
                Self.expectHealthy(cluster, id, after: "half a request")
                #expect(try cluster.client(leader).call("GET", "half") == .bulk(nil), "a half SET must not be applied")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("MGET with 100,000 keys is answered in full (or refused with an error), on leader and follower, without a hang")
        func hundredThousandArguments() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            let count = 100_000
            #expect(try cluster.client(leader).call("MSET", "many:0", "zero", "many:99999", "last") == .simpleString("OK"))
            let keys = (0..<count).map { Array("many:\($0)".utf8) }
            for id in [leader, follower] {
                let client = try cluster.client(id, timeoutSeconds: 30)
                let started = nowMs()
                let reply = try client.call([Array("MGET".utf8)] + keys)
                print("MGET of \(count) keys on node \(id): \(nowMs() - started) ms")
                switch reply {
                case .array(let values?):
                    #expect(values.count == count, "node \(id)")
                    #expect(values.first == .bulk("zero") && values.last == .bulk("last"), "node \(id)")
                    #expect(values.dropFirst().dropLast().allSatisfy { $0 == .bulk(nil) || $0 == .null }, "node \(id)")
                case .error(let message):
                    #expect(message.hasPrefix("ERR"), "node \(id): \(message)")
                default:
                    Issue.record("node \(id): MGET answered \(reply)")
                }
                // The connection itself still works after the big reply.
                #expect(try client.call("GET", "many:0") == .bulk("zero"), "node \(id)")
                Self.expectHealthy(cluster, id, after: "MGET with \(count) keys")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("1,000 idle connections held open: other clients, and the idle ones themselves, are served")
        func thousandIdleConnections() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            var idle: [RawSocket] = []
            for _ in 0..<1_000 { idle.append(try RawSocket(port: cluster.clientPorts[leader]!, timeoutSeconds: 5)) }
            Self.expectHealthy(cluster, leader, after: "1,000 idle connections")
            Self.expectHealthy(cluster, follower, after: "1,000 idle connections on the leader")
            #expect(cluster.info(leader)?["role"] == "leader")
            // The first and last idle connections answer, then hang up on QUIT.
            for raw in [idle.first!, idle.last!] {
                raw.send("PING\r\nQUIT\r\n")
                let (text, closed) = raw.readUntilClosed()
                #expect(text == "+PONG\r\n+OK\r\n" && closed, "\(text.debugDescription)")
            }
            idle.removeAll()
            Self.expectHealthy(cluster, leader, after: "1,000 connections closed at once")
            cluster.stopAll()
            cluster.removeFiles()
        }

        @Test("a value over 1 MiB gets an error and nothing is applied (SET, MSET, MULTI/EXEC, through a follower); exactly 1 MiB is stored")
        func overLimitValue() throws {
            let (cluster, leader, follower) = try Self.startCluster()
            defer { cluster.stopAll() }
            let limit = 1 << 20
            let tooBig = [UInt8](repeating: 0x62, count: limit + 1)
            let exact = [UInt8](repeating: 0x63, count: limit)
            for id in [leader, follower] {
                let client = try cluster.client(id, timeoutSeconds: 10)
                let set = try client.call([Array("SET".utf8), Array("huge".utf8), tooBig])
                #expect(set.text?.hasPrefix("ERR") == true, "node \(id): SET answered \(set)")
                let mset = try client.call([Array("MSET".utf8), Array("small".utf8), Array("1".utf8), Array("huge".utf8), tooBig])
                #expect(mset.text?.hasPrefix("ERR") == true, "node \(id): MSET answered \(mset)")
                #expect(try client.call("MULTI") == .simpleString("OK"))
                _ = try client.call("SET", "inmulti", "1")
                _ = try client.call([Array("SET".utf8), Array("huge".utf8), tooBig])
                let exec = try client.call("EXEC")
                if case .array(let replies?) = exec {
                    Issue.record("node \(id): EXEC with an over-limit SET ran: \(replies.map(\.text))")
                }
                #expect(try client.call("MGET", "huge", "small", "inmulti") == .array([.bulk(nil), .bulk(nil), .bulk(nil)]), "node \(id): nothing applied")
                #expect(try client.call([Array("SET".utf8), Array("exact".utf8), exact]) == .simpleString("OK"), "node \(id)")
                #expect(try client.call("GET", "exact") == .bulk(exact), "node \(id)")
                Self.expectHealthy(cluster, id, after: "an over-limit value")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
