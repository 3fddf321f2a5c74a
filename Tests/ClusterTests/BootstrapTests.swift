import Chaos
import Glibc
import Testing

extension ClusterSuite {
    /// `paxosd --bootstrap`: a brand-new cluster forms once a majority has
    /// started; without it an empty data directory is a wiped node's
    /// (rule 9), which votes only once every other node is fresh too or a
    /// leader admits it.
    @Suite("Cluster: bootstrap with a majority")
    struct BootstrapTests {
        @Test("two of three new nodes with --bootstrap elect a leader and commit; the third catches up and votes")
        func majorityForms() throws {
            let cluster = try TestCluster(size: 3)
            defer { cluster.stopAll() }
            try cluster.start(1, extraArguments: ["--bootstrap"])
            try cluster.start(2, extraArguments: ["--bootstrap"])
            let leader = try #require(cluster.waitForLeader(among: [1, 2], timeoutMs: 10_000),
                                      "no leader among the bootstrapped majority:\n\(cluster.logs())")
            let client = try cluster.client(leader)
            defer { client.close() }
            #expect(try client.call("SET", "k", "v1") == .simpleString("OK"))
            #expect(cluster.processes[1]!.log.contains("bootstrap: new data directory"))

            // A bootstrapped node is a voter for good: kill -9 and restart it without the flag.
            let follower = leader == 1 ? 2 : 1
            cluster.kill(follower)
            try cluster.start(follower)
            #expect(cluster.wait(timeoutMs: 10_000) { cluster.info(follower)?["is_voter"] == "1" },
                    "the bootstrapped node came back a learner:\n\(cluster.logs())")

            // The third, empty and without --bootstrap, joins as a wiped node would: learner, then voter.
            try cluster.start(3)
            #expect(cluster.wait(timeoutMs: 15_000) { cluster.info(3)?["is_voter"] == "1" },
                    "node 3 never became a voter:\n\(cluster.logs())")
            let third = try cluster.client(3)
            defer { third.close() }
            #expect(try third.call("GET", "k") == .bulk(Array("v1".utf8)))
            cluster.removeFiles()
        }

        @Test("without --bootstrap two of three new nodes stay learners and elect no one")
        func noBootstrapNeedsEveryNode() throws {
            let cluster = try TestCluster(size: 3)
            defer { cluster.stopAll() }
            try cluster.start(1)
            try cluster.start(2)
            // Several election timeouts (300 ms each) with both nodes up and talking.
            #expect(cluster.wait(timeoutMs: 10_000) { cluster.info(1)?["peers_up"] == "1" && cluster.info(2)?["peers_up"] == "1" })
            #expect(cluster.waitForLeader(among: [1, 2], timeoutMs: 2_000) == nil, "\(cluster.lastInfos)")
            #expect(cluster.info(1)?["is_voter"] == "0")
            // The third node makes every node fresh: the cluster forms.
            try cluster.start(3)
            #expect(cluster.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000) != nil, "\(cluster.logs())")
            cluster.removeFiles()
        }

        @Test("--bootstrap on a data directory that holds state is ignored and says so")
        func ignoredWithState() throws {
            let cluster = try TestCluster(size: 1)
            defer { cluster.stopAll() }
            try cluster.start(1, extraArguments: ["--bootstrap"])
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.info(1)?["role"] == "leader" }, "\(cluster.logs())")
            cluster.kill(1)
            try cluster.start(1, extraArguments: ["--bootstrap"])
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.info(1)?["role"] == "leader" }, "\(cluster.logs())")
            #expect(cluster.processes[1]!.log.contains("--bootstrap ignored: the data directory already holds state"))
            cluster.removeFiles()
        }
    }
}
