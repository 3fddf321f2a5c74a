import Glibc
import Testing
import Wire

extension ClusterSuite {
    /// Bad input closes only the connection it came on (DESIGN §3, isolation
    /// of faults): the daemon logs it and keeps serving everyone else.
    @Suite("Cluster: bad peers and clients")
    struct IsolationTests {
        @Test("garbage and a wrong-cluster hello on the peer port close only that connection")
        func badPeers() throws {
            let cluster = try TestCluster(size: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.info(1)?["role"] == "leader" }, "\(cluster.logs())")

            let garbage = try RawSocket(port: cluster.peerPorts[1]!)
            garbage.send("GET / HTTP/1.1\r\n\r\n")
            #expect(garbage.readUntilClosed().closed)

            let stranger = try RawSocket(port: cluster.peerPorts[1]!)
            var bytes: [UInt8] = []
            var writer = FragmentWriter()
            writer.append(message: PeerHello(clusterName: "other", membershipHash: 1, nodeID: 2).encoded(), to: &bytes)
            stranger.send(bytes)
            #expect(stranger.readUntilClosed().closed)

            // Rule 8: same cluster name, same configuration slot, another member list.
            let impostor = try RawSocket(port: cluster.peerPorts[1]!)
            bytes = []
            writer.append(message: PeerHello(clusterName: "test", membershipHash: 1, configSlot: 0, nodeID: 2).encoded(), to: &bytes)
            impostor.send(bytes)
            #expect(impostor.readUntilClosed().closed)
            // A node one configuration ahead is behind no one's back: it gets the hello answered.
            let ahead = try RawSocket(port: cluster.peerPorts[1]!)
            bytes = []
            writer.append(message: PeerHello(clusterName: "test", membershipHash: 1, configSlot: 9, nodeID: 2).encoded(), to: &bytes)
            ahead.send(bytes)
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.processes[1]!.log.contains("peer up") }, "\(cluster.processes[1]!.log)")

            #expect(try cluster.client(1).call("SET", "still", "here") == .simpleString("OK"))
            let log = cluster.processes[1]!.log
            #expect(log.contains("bad peer frame"), "\(log)")
            #expect(log.contains("peer refused"), "\(log)")
            #expect(log.contains("cluster name 'other'"), "\(log)")
            #expect(log.contains("different member list for configuration slot 0"), "\(log)")
            cluster.removeFiles()
        }

        @Test("a malformed request gets -ERR Protocol error and is closed; replies before it still arrive")
        func protocolError() throws {
            let cluster = try TestCluster(size: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.info(1)?["role"] == "leader" }, "\(cluster.logs())")
            let bad = try RawSocket(port: cluster.clientPorts[1]!)
            bad.send("PING\r\nSET a 1\r\n*1\r\n$x\r\n")
            let answer = bad.readUntilClosed()
            #expect(answer.closed)
            #expect(answer.text.hasPrefix("+PONG\r\n+OK\r\n-ERR Protocol error: "), "\(answer.text)")
            #expect(try cluster.client(1).call("GET", "a") == .bulk("1"))
            cluster.removeFiles()
        }

        @Test("past max_connections a client gets -ERR max number of clients reached")
        func connectionLimit() throws {
            let cluster = try TestCluster(size: 1, tuning: ["max_connections": 2])
            defer { cluster.stopAll() }
            try cluster.start(1)
            let first = try #require(cluster.wait(timeoutMs: 5_000) { (try? cluster.client(1).call("PING")) == .simpleString("PONG") } ? cluster.client(1) : nil)
            let second = try cluster.client(1)
            #expect(try first.call("PING") == .simpleString("PONG"))
            #expect(try second.call("PING") == .simpleString("PONG"))
            let third = try RawSocket(port: cluster.clientPorts[1]!)
            let refusal = third.readUntilClosed()
            #expect(refusal.closed)
            #expect(refusal.text == "-ERR max number of clients reached\r\n")
            first.close()
            #expect(cluster.wait(timeoutMs: 2_000) { (try? cluster.client(1).call("PING")) == .simpleString("PONG") })
            cluster.removeFiles()
        }
    }
}
