import Glibc
import Posix
import Testing
import Trace

extension ClusterSuite {
    /// `paxosd --trace`: three traced processes, the leader killed; the
    /// merged traces must show the new leader's phase 1 and first commit.
    @Suite("Cluster: protocol traces")
    struct TraceClusterTests {
        static let tuning = ["request_timeout_ms": 1_000, "heartbeat_ms": 50, "election_timeout_ms": 300]

        static func events(_ paths: [String]) -> [TraceEvent] {
            // A process killed mid-write may leave a torn last line: skipped, as kvctl does.
            paths.flatMap { path in TraceLine.decodeAll((try? readTextFile(path)) ?? "").events }
        }

        @Test("a chart of a leader kill shows the new leader's phase 1 and its first commit; an untraced node takes stamped messages")
        func leaderKillChart() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            let trace = { (id: Int) in cluster.directory + "/trace\(id).jsonl" }
            for id in 1...3 { try cluster.start(id, extraArguments: ["--trace", trace(id)]) }
            let oldLeader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            #expect(try cluster.client(oldLeader).call("SET", "k", "before") == .simpleString("OK"))
            let survivors = [1, 2, 3].filter { $0 != oldLeader }

            cluster.kill(oldLeader)
            var newLeader: Int?
            let deadline = nowMs() + 10_000
            while nowMs() < deadline, newLeader == nil {
                guard let leader = cluster.waitForLeader(among: survivors, timeoutMs: 200) else { continue }
                if (try? cluster.client(leader).call("SET", "k", "after")) == .simpleString("OK") { newLeader = leader }
            }
            let leader = try #require(newLeader, "no commit after the leader died:\n\(cluster.logs())")
            // Traces are written once per loop turn: wait until the new leader's shows its commit.
            var chart = Chart(TraceRun([]))
            var won: TraceEvent?
            let seen = cluster.wait(timeoutMs: 5_000) {
                chart = Chart(TraceRun(Self.events((1...3).map(trace))))
                won = chart.run.events.last { $0.node == leader && $0.name == "leader" }
                guard let won else { return false }
                return chart.run.events.contains { $0.node == leader && $0.name == "chosen" && $0.seq > won.seq }
            }
            #expect(seen, "the new leader's trace shows no commit after it won:\n\(TextChart.render(chart))")
            let ballot = try #require(won?.ballot)
            let events = chart.run.events
            func position(_ match: (TraceEvent) -> Bool) -> Int? { events.firstIndex(where: match) }
            let stood = try #require(position { $0.node == leader && $0.name == "candidate" && $0.ballot == ballot })
            let prepare = try #require(position { $0.node == leader && $0.kind == .send && $0.name == "Prepare" && $0.ballot == ballot })
            let promise = try #require(position { $0.node == leader && $0.kind == .receive && $0.name == "Promise" && $0.ballot == ballot })
            let wonAt = try #require(position { $0.node == leader && $0.name == "leader" && $0.ballot == ballot })
            let firstCommit = try #require(position { $0.node == leader && $0.name == "chosen" && $0.clock[leader] > won!.seq })
            #expect(stood < prepare && prepare < promise && promise < wonAt && wonAt < firstCommit)
            // The promise came from the surviving follower, whose own trace has its send: one arrow.
            let follower = survivors.first { $0 != leader }!
            #expect(events[promise].peer == follower)
            #expect(chart.run.sendOf[promise] != nil, "the follower's Promise send was not matched to its receipt")

            let svg = SVGChart.render(chart)
            #expect(svg.contains("class=\"election\" data-node=\"\(leader)\" data-ballot=\"\(ballot)\" data-won=\"true\""))
            #expect(svg.contains("class=\"message\" data-name=\"Prepare\" data-from=\"\(leader)\" data-to=\"\(follower)\" data-ballot=\"\(ballot)\""))
            #expect(svg.split(separator: "\n").filter { $0.contains("class=\"lifeline\"") }.count == 3)
            #expect(TextChart.render(chart).contains("node \(leader) → node \(follower): Prepare(\(ballot))"))

            // The old leader, restarted without --trace, reads the stamps the others send and catches up.
            try cluster.start(oldLeader)
            let target = try #require(cluster.info(leader)?["commit_index"].flatMap { UInt64($0) })
            #expect(cluster.wait(timeoutMs: 10_000) {
                (cluster.info(oldLeader)?["applied_index"].flatMap { UInt64($0) } ?? 0) >= target
            }, "untraced node \(oldLeader) did not catch up:\n\(cluster.logs())")
            #expect(!cluster.logs().contains("bad trace stamp"))
            cluster.stopAll()
            cluster.removeFiles()
        }
    
        @Test("the live page: members and roles, the election after a leader kill, and the message flow drawn as a chart")
        func livePage() throws {
            let cluster = try TestCluster(size: 3, tuning: Self.tuning, withMetrics: true)
            defer { cluster.stopAll() }
            try cluster.startAll()
            let oldLeader = try #require(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "no leader: \(cluster.lastInfos)")
            let page = try httpGet(cluster.metricsPorts[oldLeader]!, "/")
            #expect(page.status == 200)
            #expect(page.body.hasPrefix("<!doctype html>"))
            #expect(page.body.contains("fetch('/live/flow.svg')"))
            #expect(!page.body.contains("http://") && !page.body.contains("https://"), "the page must need no external assets")
            // Asking for the page starts in-memory tracing: a write now shows as Accept messages.
            #expect(try cluster.client(oldLeader).call("SET", "k", "v") == .simpleString("OK"))
            var flow = ""
            #expect(cluster.wait(timeoutMs: 5_000) {
                flow = (try? httpGet(cluster.metricsPorts[oldLeader]!, "/live/flow.svg").body) ?? ""
                return flow.contains("class=\"message\" data-name=\"Accept\" data-from=\"\(oldLeader)\"")
            }, "no Accept in the leader's flow:\n\(flow)")
            #expect(flow.split(separator: "\n").filter { $0.contains("class=\"lifeline\"") }.count == 3)
            #expect(flow.contains("class=\"chosen\""))

            let survivors = [1, 2, 3].filter { $0 != oldLeader }
            for id in survivors { _ = try httpGet(cluster.metricsPorts[id]!, "/") }
            cluster.kill(oldLeader)
            let leader = try #require(cluster.waitForLeader(among: survivors, timeoutMs: 10_000), "no new leader:\n\(cluster.logs())")
            let status = try httpGet(cluster.metricsPorts[leader]!, "/live/status").body
            #expect(status.contains("<tr class=\"leader\"><td>node \(leader)</td><td>leader</td><td>this node</td>"))
            #expect(status.contains("<td>node \(oldLeader)</td><td>follower</td><td><span class=\"down\">down</span>")
                    || status.contains("<td>node \(oldLeader)</td><td>unknown</td><td><span class=\"down\">down</span>"), "\(status)")
            #expect(status.contains("ago: became leader of ballot"))
            #expect(try httpGet(cluster.metricsPorts[leader]!, "/live/flow.svg").body.contains("class=\"election\" data-node=\"\(leader)\""))
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
