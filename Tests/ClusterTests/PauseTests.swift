import Client
import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// A leader frozen with SIGSTOP (a long GC pause, a stalled VM) wakes up
    /// in a cluster that moved on: it must step down and never serve the
    /// value it knew before the pause.
    @Suite("Cluster: a paused leader")
    struct PauseTests {
        static let tuning = ["heartbeat_ms": 50, "election_timeout_ms": 300, "request_timeout_ms": 1_000]

        @Test("SIGSTOP the leader past an election timeout: a new leader serves; after SIGCONT the old one steps down, catches up, never reads stale")
        func pausedLeader() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            let all = [1, 2, 3]
            try cluster.startAll()
            let old = try #require(cluster.waitForLeader(among: all, timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            let others = all.filter { $0 != old }
            #expect(try cluster.client(old).call("SET", "k", "before-pause") == .simpleString("OK"))
            // Connections to the old leader opened before the pause: one READONLY, one linearizable.
            let early = try cluster.client(old, timeoutSeconds: 5)
            let earlyLocal = try cluster.client(old, timeoutSeconds: 5)
            #expect(try earlyLocal.call("READONLY") == .simpleString("OK"))

            cluster.pause(old)
            let pausedAt = nowMs()
            let next = try #require(cluster.waitForLeader(among: others, timeoutMs: 10_000), "no new leader while \(old) is paused: \(cluster.lastInfos)\n\(cluster.logs())")
            let electedMs = nowMs() - pausedAt
            #expect(try cluster.client(next).call("SET", "k", "after-pause") == .simpleString("OK"))
            let servedMs = nowMs() - pausedAt
            print("pause: leader \(old) stopped; node \(next) leads \(electedMs) ms later and committed at \(servedMs) ms")
            #expect(electedMs < 5_000)
            let target = try #require(cluster.infoNumber(next, "commit_index"))
            // Keep it paused well past an election timeout, the new leader's write in place.
            usleep(400_000)

            // A read queued in the paused leader's socket is the first thing it sees on waking.
            let stepDownsBefore = cluster.processes[old]!.log.linesContaining("msg=\"stepped down\"")
            try early.send([Array("GET".utf8), Array("k".utf8)])
            cluster.resume(old)
            let resumedAt = nowMs()
            let queued = Result { () throws(RESPClientError) in try early.readReply() }
            print("pause: GET queued during the pause answered \(describe(queued)) \(nowMs() - resumedAt) ms after SIGCONT")
            if case .success(let value) = queued, case .bulk = value {
                #expect(value.text == "after-pause", "the resumed old leader served a stale read: \(value)\n\(cluster.logTail(old))")
            }
            // Fresh linearizable reads through the resumed node, from the first moment on.
            var staleReads: [String] = []
            var reads = 0
            while nowMs() < resumedAt + 1_500 {
                guard let reader = try? cluster.client(old, timeoutSeconds: 3) else { continue }
                if let value = try? reader.call("GET", "k") {
                    reads += 1
                    if case .bulk = value, value.text != "after-pause" { staleReads.append("\(value) at \(nowMs() - resumedAt) ms") }
                }
                reader.close()
            }
            #expect(staleReads.isEmpty, "stale reads through the resumed old leader: \(staleReads)\n\(cluster.logTail(old))")

            // It stepped down on waking (the bully order may then hand it the
            // lead back once caught up: node ids rank candidates), and the
            // cluster settles on one leader that every node follows.
            let steppedDownLines = cluster.processes[old]!.log.linesContaining("msg=\"stepped down\"")
            #expect(steppedDownLines > stepDownsBefore, "node \(old) never stepped down after SIGCONT:\n\(cluster.logTail(old))")
            let settled = cluster.waitForLeader(among: all, timeoutMs: 5_000)
            #expect(settled != nil, "no single leader after SIGCONT: \(cluster.lastInfos)")
            let caughtUpMs = cluster.waitApplied(old, atLeast: target, timeoutMs: 5_000)
            #expect(caughtUpMs != nil, "node \(old) did not apply \(target)")
            print("pause: node \(old) stepped down, \(settled.map { "node \($0) leads" } ?? "no leader") and it applied \(target) within \(nowMs() - resumedAt) ms of SIGCONT (\(reads) reads in the first 1.5 s, none stale)")
            // Its replica has the new value, and the READONLY connection from before the pause sees it.
            #expect(try earlyLocal.call("GET", "k") == .bulk("after-pause"))
            #expect(try cluster.client(old).call("GET", "k") == .bulk("after-pause"))
            #expect(try cluster.client(old).call("SET", "k", "through-old") == .simpleString("OK"))
            for id in all { #expect(try cluster.client(id).call("GET", "k") == .bulk("through-old"), "node \(id)") }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
