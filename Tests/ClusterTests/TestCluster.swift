/// N real `paxosd` processes on free loopback ports with data directories
/// under a fresh temp directory. `stopAll()` (call it in a defer) kills
/// every process it started; the temp directory is removed when all passed.
import Chaos
import Client
import Glibc
import Posix
import Wire

final class TestCluster {
    let size: Int
    let directory: String
    let configPath: String
    let clientPorts: [Int: UInt16]
    let peerPorts: [Int: UInt16]
    /// Each node's metrics port, when made `withMetrics`.
    let metricsPorts: [Int: UInt16]
    private(set) var processes: [Int: DaemonProcess] = [:]
    private var everStarted: [DaemonProcess] = []

    init(size: Int, tuning: [String: Int] = [:], withMetrics: Bool = false) throws {
        self.size = size
        var template = Array("/tmp/paxoskv-cluster-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HarnessError("mkdtemp: errno \(errno)") }
        directory = String(cString: made)
        configPath = directory + "/cluster.conf"
        let ports = try freePorts(3 * size)
        var clients: [Int: UInt16] = [:]
        var peers: [Int: UInt16] = [:]
        var metrics: [Int: UInt16] = [:]
        var text = "cluster = \"test\"\n"
        for (key, value) in tuning.sorted(by: { $0.key < $1.key }) { text += "\(key) = \(value)\n" }
        for id in 1...size {
            peers[id] = ports[2 * (id - 1)]
            clients[id] = ports[2 * (id - 1) + 1]
            text += "\n[node.\(id)]\npeer = \"127.0.0.1:\(peers[id]!)\"\nclient = \"127.0.0.1:\(clients[id]!)\"\ndata = \"data/node\(id)\"\n"
            if withMetrics {
                metrics[id] = ports[2 * size + id - 1]
                text += "metrics = \"127.0.0.1:\(metrics[id]!)\"\n"
            }
        }
        clientPorts = clients
        peerPorts = peers
        metricsPorts = metrics
        try writeFile(configPath, text)
    }

    /// The `paxosd` built next to this test bundle.
    static func daemonPath() throws -> String {
        guard let path = builtExecutable("paxosd") else { throw HarnessError("no paxosd in this build: run `swift build` first") }
        return path
    }

    func start(_ id: Int, extraArguments: [String] = []) throws {
        let process = try DaemonProcess(executable: try Self.daemonPath(),
                                        arguments: ["--config", configPath, "--id", "\(id)"] + extraArguments,
                                        logPath: directory + "/node\(id).log")
        processes[id] = process
        everStarted.append(process)
    }

    func startAll() throws {
        for id in 1...size { try start(id) }
    }

    /// kill -9.
    func kill(_ id: Int) {
        processes[id]?.kill()
        processes[id] = nil
    }

    func stopAll() {
        for process in everStarted { process.kill() }
        processes = [:]
    }

    /// Removes the temp directory (keep it when a test failed, for its logs).
    func removeFiles() {
        // Small trees only: the config, logs and data directories.
        _ = system("rm -rf '\(directory)'")
    }

    func logs() -> String {
        (1...size).map { id in "--- node \(id) ---\n" + ((try? readTextFile(directory + "/node\(id).log")) ?? "") }.joined()
    }

    // MARK: Client helpers

    func client(_ id: Int, timeoutSeconds: Double = 2) throws -> RESPClient {
        try RESPClient(host: "127.0.0.1", port: clientPorts[id]!, timeoutSeconds: timeoutSeconds)
    }

    /// INFO paxos of node `id` as key/value pairs; nil when it does not answer.
    func info(_ id: Int) -> [String: String]? {
        guard let client = try? self.client(id, timeoutSeconds: 1) else { return nil }
        defer { client.close() }
        guard case .bulk(let bytes?)? = try? client.call("INFO", "paxos") else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return fields
    }

    /// The last INFO answers `waitForLeader` saw, for failure messages.
    private(set) var lastInfos: [(Int, [String: String]?)] = []

    /// Waits until one of `among` leads and every other one there follows it; returns its id.
    func waitForLeader(among ids: [Int], timeoutMs: UInt64) -> Int? {
        let deadline = nowMs() + timeoutMs
        while nowMs() < deadline {
            let infos = ids.map { ($0, info($0)) }
            lastInfos = infos
            let leaders = infos.filter { $0.1?["role"] == "leader" }.map(\.0)
            if leaders.count == 1, let leader = leaders.first,
               infos.allSatisfy({ $0.1?["leader_id"] == "\(leader)" }) {
                return leader
            }
            usleep(20_000)
        }
        return nil
    }

    /// Polls `condition` until it holds or the deadline passes.
    func wait(timeoutMs: UInt64, _ condition: () -> Bool) -> Bool {
        let deadline = nowMs() + timeoutMs
        while nowMs() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}


extension RESPValue {
    /// The text of a simple string, bulk or error, for assertions.
    var text: String? {
        switch self {
        case .simpleString(let s), .error(let s): return s
        case .bulk(let b?): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }
}
