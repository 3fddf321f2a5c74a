import Client
import Glibc
import Posix
import Synchronization
import Testing
import Wire

extension ClusterSuite {
    /// `RID client-id seq INCR` retried across leader crashes applies once:
    /// the counter never counts an increment twice and never loses one that
    /// was acknowledged.
    @Suite("Cluster: exactly-once increments across leader crashes")
    struct ExactlyOnceTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300, "request_timeout_ms": 1_000]

        /// What the client threads saw, shared under a lock.
        struct Tally: Sendable {
            /// Increments with a definite integer reply (each counted once, whatever the retries).
            var successes = 0
            /// Increments whose last word was -NOQUORUM after no uncertain attempt: not applied.
            var notApplied = 0
            /// Increments never resolved: sent, maybe applied, no definite answer by the deadline.
            var unknown = 0
            /// Attempts retried with the same seq after -TIMEOUT, a dropped connection or a read timeout.
            var retries = 0
            /// The integer each successful increment returned: all distinct when each applied once.
            var values: [Int64] = []
            var slowestMs: UInt64 = 0
            var anomalies: [String] = []
        }

        final class Shared: Sendable {
            let tally = Locked(Tally())
            /// Set when the faults are over: finish the increment in hand, start no new one.
            let isStopping = Atomic(false)
            /// Successful increments so far, for watching progress (the tallies merge at the end).
            let successes = Atomic(0)
        }

        enum Attempt { case applied(Int64), notApplied, uncertain, notSent, anomaly(String) }

        /// One attempt of `RID id seq INCR counter` on `connection`.
        static func attempt(_ connection: RESPClient, clientID: String, seq: UInt64) -> Attempt {
            do {
                switch try connection.call("RID", clientID, "\(seq)", "INCR", "counter") {
                case .integer(let value): return .applied(value)
                case .error(let message) where message.hasPrefix("NOQUORUM"): return .notApplied
                case .error(let message) where message.hasPrefix("TIMEOUT"): return .uncertain
                case let other: return .anomaly("\(other)")
                }
            } catch {
                return .uncertain
            }
        }

        /// The loop of one client thread: increments until told to stop, each
        /// resolved by retrying its seq on the next node until a definite answer.
        static func runClient(_ index: Int, ports: [UInt16], shared: Shared) {
            var node = index % ports.count
            var connection: RESPClient?
            var clientID = "incr-\(index)-\(UInt32.random(in: 0...UInt32.max))"
            var seq: UInt64 = 1
            var tally = Tally()
            defer { shared.tally.withLock { $0.merge(tally) } }
            while !shared.isStopping.load(ordering: .relaxed) {
                let started = nowMs()
                // Past the stop, an unresolved increment gets this long to resolve.
                var resolveDeadline = UInt64.max
                var isUncertain = false
                var resolved = false
                while !resolved {
                    if resolveDeadline == .max, shared.isStopping.load(ordering: .relaxed) { resolveDeadline = nowMs() + 10_000 }
                    if nowMs() > resolveDeadline {
                        tally.unknown += 1
                        // Its seq may be applied later: never reuse it, nor the session.
                        clientID += "x"
                        seq = 1
                        break
                    }
                    let result: Attempt
                    if connection == nil { connection = try? RESPClient(host: "127.0.0.1", port: ports[node], timeoutSeconds: 3) }
                    if let connection { result = attempt(connection, clientID: clientID, seq: seq) } else { result = .notSent }
                    switch result {
                    case .applied(let value):
                        tally.successes += 1
                        shared.successes.add(1, ordering: .relaxed)
                        tally.values.append(value)
                        seq += 1
                        resolved = true
                    case .notApplied where !isUncertain:
                        tally.notApplied += 1
                        // The session may not exist if seq 1 never applied: start a fresh one.
                        clientID += "n"
                        seq = 1
                        resolved = true
                    case .notApplied, .notSent, .uncertain:
                        if case .uncertain = result {
                            isUncertain = true
                            tally.retries += 1
                        }
                        connection?.close()
                        connection = nil
                        node = (node + 1) % ports.count
                        usleep(20_000)
                    case .anomaly(let what):
                        tally.anomalies.append("client \(index) seq \(seq): \(what)")
                        if isUncertain { tally.unknown += 1 } else { tally.notApplied += 1 }
                        clientID += "a"
                        seq = 1
                        resolved = true
                    }
                }
                tally.slowestMs = max(tally.slowestMs, nowMs() - started)
            }
            connection?.close()
        }

        @Test("3 clients INCR through RID while the leader is killed and restarted twice: successes <= counter <= successes + unknown")
        func incrementsAcrossLeaderCrashes() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            let all = [1, 2, 3]
            try cluster.startAll()
            _ = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")

            let shared = Shared()
            let ports = all.map { cluster.clientPorts[$0]! }
            let threads = (0..<3).map { index in PosixThread { Self.runClient(index, ports: ports, shared: shared) } }
            var joined = false
            defer { if !joined { shared.isStopping.store(true, ordering: .relaxed); threads.forEach { $0.join() } } }

            usleep(700_000)
            for round in 1...2 {
                let leader = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "round \(round): no leader: \(cluster.lastInfos)\n\(cluster.logs())")
                let before = shared.successes.load(ordering: .relaxed)
                cluster.kill(leader)
                let killedAt = nowMs()
                let others = all.filter { $0 != leader }
                let next = cluster.waitForLeader(among: others, timeoutMs: 10_000)
                let electedMs = nowMs() - killedAt
                #expect(next != nil, "round \(round): no new leader:\n\(cluster.logs())")
                // Clients make progress under the new leader.
                let progressed = cluster.wait(timeoutMs: 10_000) { shared.successes.load(ordering: .relaxed) > before + 20 }
                #expect(progressed, "round \(round): clients made no progress after the failover")
                print("exactly-once: round \(round): killed leader \(leader), node \(next.map(String.init) ?? "none") leads \(electedMs) ms later; clients progressed \(nowMs() - killedAt) ms after the kill")
                try cluster.start(leader)
                let target = cluster.infoNumber(next ?? others[0], "commit_index") ?? 0
                #expect(cluster.waitApplied(leader, atLeast: target, timeoutMs: 10_000) != nil, "round \(round): node \(leader) did not catch up\n\(cluster.logs())")
                usleep(300_000)
            }
            shared.isStopping.store(true, ordering: .relaxed)
            threads.forEach { $0.join() }
            joined = true

            let tally = shared.tally.withLock { $0 }
            let leader = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader at the end: \(cluster.lastInfos)")
            let reply = try cluster.client(leader).call("GET", "counter")
            let counter = try #require(reply.text.flatMap { Int($0) }, "GET counter: \(reply)")
            print("exactly-once: counter \(counter), successes \(tally.successes), unknown \(tally.unknown), not applied \(tally.notApplied), same-seq retries \(tally.retries), slowest increment \(tally.slowestMs) ms")
            #expect(tally.anomalies.isEmpty, "\(tally.anomalies)")
            #expect(counter >= tally.successes, "an acknowledged increment was lost")
            #expect(counter <= tally.successes + tally.unknown, "an increment was applied twice (or one answered NOQUORUM was applied)")
            #expect(Set(tally.values).count == tally.values.count, "two increments returned the same value")
            #expect(tally.values.allSatisfy { $0 >= 1 && $0 <= Int64(counter) })
            #expect(tally.retries > 0, "the faults never made a client retry: the test did not exercise RID")
            for id in all {
                let local = try cluster.client(id)
                #expect(cluster.waitApplied(id, atLeast: cluster.infoNumber(leader, "commit_index") ?? 0, timeoutMs: 5_000) != nil)
                #expect(try local.call("READONLY") == .simpleString("OK"))
                #expect(try local.call("GET", "counter").text == "\(counter)", "node \(id)")
            }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}

extension ClusterSuite.ExactlyOnceTests.Tally {
    mutating func merge(_ other: Self) {
        successes += other.successes
        notApplied += other.notApplied
        unknown += other.unknown
        retries += other.retries
        values += other.values
        slowestMs = max(slowestMs, other.slowestMs)
        anomalies += other.anomalies
    }
}
