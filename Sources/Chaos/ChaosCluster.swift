import Client
import Glibc
import PaxosCore
import Posix

/// The `paxosd` processes of one chaos run, on free loopback ports in the
/// run directory, every peer link routed through the nemesis's proxy hub
/// (the lower id dials the higher one through `--peer-via`).
public final class ChaosCluster {
    public let size: Int
    public let directory: String
    public let hub: ProxyHub
    public let clientPorts: [Int: UInt16]
    let configPath: String
    private let daemonPath: String
    private let argumentsOf: [Int: [String]]
    private var processes: [Int: ChildProcess] = [:]
    /// Paused with SIGSTOP and not yet resumed.
    private var paused: Set<Int> = []
    /// Processes the nemesis killed: their SIGKILL status is no crash.
    private var killedByUs: Set<pid_t> = []

    public var ids: [Int] { Array(1...size) }

    /// Writes the config, starts the proxies; `start` launches the daemons.
    public init(size: Int, directory: String, daemonPath: String, unsafeLocalReads: Bool,
                tuning: [String] = []) throws(ChaosError) {
        precondition(size >= 1)
        self.size = size
        self.directory = directory
        self.daemonPath = daemonPath
        configPath = directory + "/cluster.conf"
        let ports = try freePorts(2 * size)
        var clientPorts: [Int: UInt16] = [:]
        var text = "cluster = \"chaos\"\n" + tuning.map { $0 + "\n" }.joined()
        for id in 1...size {
            let peer = ports[2 * (id - 1)], client = ports[2 * (id - 1) + 1]
            clientPorts[id] = client
            text += "\n[node.\(id)]\npeer = \"127.0.0.1:\(peer)\"\nclient = \"127.0.0.1:\(client)\"\ndata = \"node\(id)\"\n"
        }
        self.clientPorts = clientPorts
        try writeTextFile(configPath, text)
        do {
            hub = try ProxyHub()
        } catch {
            throw ChaosError("cannot start the proxy hub: \(error)")
        }
        var argumentsOf: [Int: [String]] = [:]
        for id in 1...size {
            argumentsOf[id] = ["--config", configPath, "--id", "\(id)"] + (unsafeLocalReads ? ["--unsafe-local-reads"] : [])
        }
        for low in 1...size {
            for high in 1...size where high > low {
                let proxyPort: UInt16
                do {
                    proxyPort = try hub.addLink(LinkID(low, high), targetPort: ports[2 * (high - 1)])
                } catch {
                    throw ChaosError("cannot open a proxy for link \(low)-\(high): \(error)")
                }
                argumentsOf[low]! += ["--peer-via", "\(high)=127.0.0.1:\(proxyPort)"]
            }
        }
        self.argumentsOf = argumentsOf
    }

    deinit { stop() }

    public func logPath(_ id: Int) -> String { directory + "/node\(id).log" }

    public func start(_ id: Int) throws(ChaosError) {
        precondition(processes[id]?.isRunning != true, "node \(id) is already running")
        noteCrash(id)
        processes[id] = try ChildProcess(executable: daemonPath, arguments: argumentsOf[id]!, logPath: logPath(id))
        paused.remove(id)
    }

    public func startAll() throws(ChaosError) {
        for id in ids { try start(id) }
    }

    public func isRunning(_ id: Int) -> Bool { processes[id]?.isRunning == true }
    public func isPaused(_ id: Int) -> Bool { paused.contains(id) }

    /// SIGKILL and reap.
    public func kill(_ id: Int) {
        noteCrash(id)
        if let process = processes[id], process.isRunning { killedByUs.insert(process.pid) }
        processes[id]?.kill()
        paused.remove(id)
    }

    public func pause(_ id: Int) {
        processes[id]?.signal(SIGSTOP)
        paused.insert(id)
    }

    public func resume(_ id: Int) {
        processes[id]?.signal(SIGCONT)
        paused.remove(id)
    }

    /// Every time a daemon stopped on its own (any exit we did not cause
    /// with SIGKILL), across restarts: "node 2 exited with status 134 (see …)".
    public private(set) var crashes: [String] = []
    /// Process ids whose exit is already in `crashes`.
    private var reportedExits: Set<pid_t> = []

    /// Records node `id`'s current process in `crashes` if it exited by itself.
    public func noteCrash(_ id: Int) {
        guard let process = processes[id], !reportedExits.contains(process.pid), let code = process.pollExit(),
              !killedByUs.contains(process.pid)
        else { return }
        reportedExits.insert(process.pid)
        crashes.append("node \(id) (pid \(process.pid)) exited with status \(code) (see \(logPath(id)))")
    }

    /// Checks every node for a crash; call before judging a run.
    public func noteCrashes() { for id in ids { noteCrash(id) } }

    /// Kills every daemon and closes the proxies. Idempotent.
    public func stop() {
        noteCrashes()
        for id in ids where isPaused(id) { resume(id) }
        for process in processes.values { process.kill() }
        hub.stop()
    }

    // MARK: Observing

    /// `INFO paxos` of one node as a dictionary, or nil when it does not answer in time.
    public func info(_ id: Int, timeoutSeconds: Double = 0.5) -> [String: String]? {
        guard !isPaused(id), let port = clientPorts[id] else { return nil }
        guard let client = try? RESPClient(host: "127.0.0.1", port: port, timeoutSeconds: timeoutSeconds),
              case .bulk(let body?)? = try? client.call("INFO", "paxos")
        else { return nil }
        return InfoPaxos(parsing: String(decoding: body, as: UTF8.self)).fields
    }

    /// Whether the node answers PING within `timeoutSeconds` (a paused one does not).
    public func probe(_ id: Int, timeoutSeconds: Double = 0.3) -> Bool {
        guard let port = clientPorts[id],
              let client = try? RESPClient(host: "127.0.0.1", port: port, timeoutSeconds: timeoutSeconds),
              case .simpleString("PONG")? = try? client.call("PING")
        else { return false }
        return true
    }

    /// The node that says it leads, among the nodes that answer (nil if none does).
    public func leader(among candidates: [Int]? = nil) -> Int? {
        for id in candidates ?? ids where info(id)?["role"] == "leader" { return id }
        return nil
    }

    public func peersUp(_ id: Int) -> Int? { info(id).flatMap { $0["peers_up"] }.flatMap { Int($0) } }
}

/// `count` distinct loopback ports that are free now and lie below the
/// kernel's ephemeral range, so no outgoing connection can take one while
/// its daemon is down (a killed node must be able to bind it again).
public func freePorts(_ count: Int) throws(ChaosError) -> [UInt16] {
    let ephemeralLow = ephemeralPortRangeStart()
    let low = max(10_000, min(ephemeralLow, 32_768) - 12_000)
    let high = max(low + 1_000, min(ephemeralLow, 65_536)) - 1
    var random = SplitMix64(seed: UInt64(getpid()) &* 0x9E37_79B9 &+ UInt64(monotonicNs()))
    var ports: [UInt16] = []
    var attempts = 0
    while ports.count < count {
        attempts += 1
        guard attempts <= 10_000 else { throw ChaosError("cannot find \(count) free ports in \(low)...\(high)") }
        let port = UInt16(low + Int(random.next() % UInt64(high - low + 1)))
        guard !ports.contains(port), isBindable(port) else { continue }
        ports.append(port)
    }
    return ports
}

/// The first port of `net.ipv4.ip_local_port_range` (32768 if unreadable).
func ephemeralPortRangeStart() -> Int {
    let fd = open("/proc/sys/net/ipv4/ip_local_port_range", O_RDONLY)
    guard fd >= 0 else { return 32_768 }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: 64)
    let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return 32_768 }
    let text = String(decoding: bytes[0..<n], as: UTF8.self)
    return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32_768
}

/// Whether a listener could bind 127.0.0.1:`port` right now.
func isBindable(_ port: UInt16) -> Bool {
    guard let address = SocketAddress(numericHost: "127.0.0.1", port: port),
          let fd = try? Posix.makeListener(address)
    else { return false }
    close(fd)
    return true
}

func writeTextFile(_ path: String, _ text: String) throws(ChaosError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw ChaosError("cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    do throws(IOError) {
        try Array(text.utf8).withBytes { (bytes) throws(IOError) in try Posix.writeAll(fd, bytes) }
    } catch {
        throw ChaosError("cannot write \(path): \(error)")
    }
}
