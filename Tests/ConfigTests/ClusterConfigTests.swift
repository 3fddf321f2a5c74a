/// The repository root, found from this file's path.
import PaxosCore
import Posix
import Testing
@testable import Config

private let repoRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

private let good = """
    # a comment line
    cluster = "demo"   # trailing comment
    password = 'se#cret'
    heartbeat_ms = 20
    election_timeout_ms = 200
    snapshot_every = 1_000

    [node.2]
    peer   = "127.0.0.1:7102"
    client = "[::1]:6402"
    data   = "d/node2"

    [ node.1 ]
    peer = "localhost:7101"
    client = "127.0.0.1:6401"
    data = "/abs/node1"
    """

private func parseError(_ text: String) -> ConfigError? {
    do {
        _ = try ClusterConfig.parse(text, path: "config/test.conf")
        return nil
    } catch {
        return error
    }
}

private let node1 = """
    [node.1]
    peer = "127.0.0.1:7101"
    client = "127.0.0.1:6401"
    data = "d1"
    """

@Suite("ClusterConfig")
struct ClusterConfigTests {
    @Test("a good file parses: nodes sorted, data resolved against the config's directory, tuning set")
    func parsesGoodFile() throws {
        let config = try ClusterConfig.parse(good, path: "config/test.conf")
        #expect(config.cluster == "demo")
        #expect(config.password == "se#cret")
        #expect(config.members == [1, 2])
        #expect(config.node(1)?.peer == HostPort(host: "localhost", port: 7101))
        #expect(config.node(1)?.data == "/abs/node1")
        #expect(config.node(2)?.client == HostPort(host: "::1", port: 6402))
        #expect(config.node(2)?.client.description == "[::1]:6402")
        #expect(config.node(2)?.data == "config/d/node2")
        #expect(config.tuning.heartbeatMs == 20)
        #expect(config.tuning.electionTimeoutMs == 200)
        #expect(config.tuning.snapshotEvery == 1_000)
        #expect(config.tuning.maxBatch == 512)
        let core = config.tuning.makeCoreConfig(id: 2, members: config.members)
        #expect(core.heartbeatMs == 20 && core.snapshotEvery == 1_000 && core.peers == [1])
    }

    @Test("notify_keyspace_events takes Redis's letters (default off); another letter is an error naming its line")
    func notifyKeyspaceEvents() throws {
        #expect(try ClusterConfig.parse("cluster = \"x\"\n" + node1, path: "a.conf").notifyKeyspaceEvents == "")
        let config = try ClusterConfig.parse("cluster = \"x\"\nnotify_keyspace_events = \"KEA\"\n" + node1, path: "a.conf")
        #expect(config.notifyKeyspaceEvents == "KEA")
        let error = parseError("cluster = \"x\"\nnotify_keyspace_events = \"KQ\"\n" + node1)
        #expect(error?.line == 2, "\(String(describing: error))")
        #expect(error.map { "\($0)".contains("Ag$lshzxeKEtmdn") } == true)
    }

    @Test("defaults hold when no tuning keys are given")
    func defaults() throws {
        let config = try ClusterConfig.parse("cluster = \"x\"\n" + node1, path: "a.conf")
        #expect(config.tuning == Tuning())
        #expect(config.password == nil)
        #expect(config.node(1)?.data == "d1")
        let t = Tuning()
        #expect(t.heartbeatMs == 50 && t.electionTimeoutMs == 300 && t.requestTimeoutMs == 5_000)
        #expect(t.snapshotEvery == 10_000 && t.maxBatch == 512 && t.maxInFlight == 8)
        #expect(t.sessionTTLSeconds == 3_600 && t.maxSessions == 100_000 && t.maxConnections == 10_000)
        #expect(t.maxKeyBytes == 65_536 && t.maxValueBytes == 1_048_576 && t.maxRequestBytes == 4_194_304)
    }

    @Test("config/cluster3.conf and config/cluster5.conf parse")
    func shippedConfigsParse() throws {
        for n in [3, 5] {
            let config = try ClusterConfig.load(path: repoRoot + "/config/cluster\(n).conf", reading: readTextFile)
            #expect(config.cluster == "demo")
            #expect(config.members == Array(1...n))
            for node in config.nodes {
                #expect(node.peer == HostPort(host: "127.0.0.1", port: UInt16(7100 + node.id)))
                #expect(node.client == HostPort(host: "127.0.0.1", port: UInt16(6400 + node.id)))
                #expect(node.data == repoRoot + "/config/../data/node\(node.id)")
            }
        }
    }

    @Test("each error names the file and the exact line", arguments: [
        ("cluster = \"x\"\nbogus = 1\n" + node1, 2, "unknown key 'bogus'"),
        ("cluster = \"x\"\n" + node1 + "\ncolour = \"red\"", 6, "unknown key 'colour' in [node.1]"),
        ("cluster = \"x\"\n" + node1 + "\nheartbeat_ms = 10", 6, "unknown key 'heartbeat_ms' in [node.1] (top-level keys go before the first [node.N])"),
        ("cluster = \"x\"\n" + node1 + "\n" + node1.replacingOccurrences("7101", "7111").replacingOccurrences("6401", "6411"), 6, "duplicate node id 1"),
        ("cluster = \"x\"\n" + node1 + "\n[node.2]\npeer = \"127.0.0.1:7101\"\nclient = \"127.0.0.1:6402\"\ndata = \"d2\"", 7, "duplicate address 127.0.0.1:7101 (also on line 3)"),
        ("cluster = \"x\"\nthis is not toml\n" + node1, 2, "unparsable line: expected '=' after 'this'"),
        ("cluster = \"x\"\n[node.1\n", 2, "unparsable section header: missing ']'"),
        ("cluster = \"x\"\n[node.0]\n", 2, "node id must be 1...255, got '0'"),
        ("cluster = \"x\"\n[server.1]\n", 2, "unknown section '[server.1]': only [node.N] sections exist"),
        ("cluster = \"x\"\n\n[node.1]\npeer = \"127.0.0.1:7101\"\ndata = \"d\"\n", 3, "[node.1] is missing required key 'client'"),
        ("cluster = \"x\"\n[node.1]\npeer = \"127.0.0.1:7101\"\nclient = \"127.0.0.1:6401\"\n", 2, "[node.1] is missing required key 'data'"),
        ("cluster = \"x\"\n[node.1]\npeer = \"127.0.0.1\"\nclient = \"127.0.0.1:6401\"\ndata = \"d\"", 3, "bad address '127.0.0.1' for 'peer': expected HOST:PORT"),
        ("cluster = \"x\"\n[node.1]\npeer = \"127.0.0.1:7101\"\nclient = \"127.0.0.1:70000\"\ndata = \"d\"", 4, "bad address '127.0.0.1:70000' for 'client': port must be 1...65535, got '70000'"),
        ("cluster = \"x\"\n[node.1]\npeer = \"::1:7101\"\nclient = \"127.0.0.1:6401\"\ndata = \"d\"", 3, "bad address '::1:7101' for 'peer': an IPv6 host must be in brackets: [::1]:PORT"),
        ("cluster = \"x\"\ncluster = \"y\"\n" + node1, 2, "duplicate key 'cluster'"),
        ("cluster = \"x\"\n[node.1]\npeer = \"127.0.0.1:7101\"\npeer = \"127.0.0.1:7102\"\n", 4, "duplicate key 'peer' in [node.1]"),
        ("cluster = \"x\nheartbeat_ms = 5\n", 1, "bad value for 'cluster': unterminated string"),
        ("cluster = \"x\"\nheartbeat_ms = \"5\"\n" + node1, 2, "'heartbeat_ms' must be an integer"),
        ("cluster = \"x\"\nmax_batch = 0\n" + node1, 2, "'max_batch' must be 1...1000000, got 0"),
        ("cluster = 7\n" + node1, 1, "'cluster' must be a quoted string"),
        ("cluster = \"x\" extra\n" + node1, 1, "unparsable line: unexpected text after the value of 'cluster'"),
        ("cluster = \"x\"\nheartbeat_ms = 100\nelection_timeout_ms = 100\n" + node1, 3, "election_timeout_ms must exceed heartbeat_ms"),
    ] as [(String, Int, String)])
    func errorLines(text: String, line: Int, message: String) {
        let error = parseError(text)
        #expect(error == ConfigError(path: "config/test.conf", line: line, message))
        #expect(error?.description == "config/test.conf:\(line): \(message)")
    }

    @Test("whole-file problems have no line")
    func fileLevelErrors() {
        #expect(parseError(node1)?.description == "config/test.conf: missing required key 'cluster'")
        #expect(parseError("cluster = \"x\"\n")?.description == "config/test.conf: no [node.N] sections")
        #expect(throws: ConfigError.self) { try ClusterConfig.load(path: "/nonexistent/x.conf", reading: readTextFile) }
    }

    @Test("HOST:PORT parsing")
    func hostPort() throws {
        #expect(try HostPort.parse("127.0.0.1:1").get() == HostPort(host: "127.0.0.1", port: 1))
        #expect(try HostPort.parse("[::1]:65535").get() == HostPort(host: "::1", port: 65_535))
        #expect(try HostPort.parse("[::1]:65535").get().isIPv6)
        for bad in ["", ":80", "host:", "host:0", "host:x", "[::1]", "[::1:80", "[1.2.3.4]:80", "a b:80", "h:+80"] {
            #expect(throws: HostPortError.self, "\(bad)") { try HostPort.parse(bad).get() }
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
