import Client
import Glibc
import PaxosCore
import Posix

/// The `paxosd` processes of one chaos run, on free loopback ports in the
/// run directory, every peer link routed through the nemesis's proxy hub
/// (the lower id dials the higher one through `--peer-via`). Spare ids
/// have ports, proxies and a config section ready for member changes: a
/// spare starts with `--join` and becomes a member once MEMBER ADD commits.
public final class ChaosCluster {
    public let directory: String
    public let hub: ProxyHub
    /// Every id's client port, spares included.
    public let clientPorts: [Int: UInt16]
    /// Every id's peer and client address, as MEMBER ADD takes them.
    let addresses: [Int: (peer: String, client: String)]
    let configPath: String
    private let daemonPath: String
    private let argumentsOf: [Int: [String]]
    private var processes: [Int: ChildProcess] = [:]
    /// Paused with SIGSTOP and not yet resumed.
    private var paused: Set<Int> = []
    /// Processes the nemesis killed: their SIGKILL status is no crash.
    private var killedByUs: Set<pid_t> = []
    /// Processes of members the nemesis removed: they exit 0 by themselves.
    private var removedByUs: Set<pid_t> = []
    /// The members now, as the nemesis changed them (sorted).
    public private(set) var ids: [Int]
    /// Ids never used yet, in the order they will be added.
    public private(set) var spares: [Int]
    /// The members' client ports, for clients to move to when theirs is removed.
    public let memberPorts = MemberPorts()

    /// How many members there are now.
    public var size: Int { ids.count }

    /// Writes the configs, starts the proxies; `start` launches the daemons.
    public init(size: Int, directory: String, daemonPath: String, unsafeLocalReads: Bool,
                tuning: [String] = [], spares spareCount: Int = 0) throws(ChaosError) {
        precondition(size >= 1 && spareCount >= 0 && size + spareCount <= 255)
        let all = Array(1...(size + spareCount))
        ids = Array(1...size)
        spares = Array(all.dropFirst(size))
        self.directory = directory
        self.daemonPath = daemonPath
        configPath = directory + "/cluster.conf"
        let joinConfigPath = directory + "/join.conf"
        let ports = try freePorts(2 * all.count)
        var clientPorts: [Int: UInt16] = [:]
        var addresses: [Int: (peer: String, client: String)] = [:]
        let head = "cluster = \"chaos\"\n" + tuning.map { $0 + "\n" }.joined()
        var text = head, joinText = head
        for id in all {
            let peer = ports[2 * (id - 1)], client = ports[2 * (id - 1) + 1]
            clientPorts[id] = client
            addresses[id] = ("127.0.0.1:\(peer)", "127.0.0.1:\(client)")
            let section = "\n[node.\(id)]\npeer = \"127.0.0.1:\(peer)\"\nclient = \"127.0.0.1:\(client)\"\ndata = \"node\(id)\"\n"
            if id <= size { text += section }
            joinText += section
        }
        self.clientPorts = clientPorts
        self.addresses = addresses
        try writeTextFile(configPath, text)
        if spareCount > 0 { try writeTextFile(joinConfigPath, joinText) }
        memberPorts.set(ids.map { clientPorts[$0]! })
        do {
            hub = try ProxyHub()
        } catch {
            throw ChaosError("cannot start the proxy hub: \(error)")
        }
        var argumentsOf: [Int: [String]] = [:]
        for id in all {
            let joins = id > size ? ["--join"] : []
            argumentsOf[id] = ["--config", id > size ? joinConfigPath : configPath, "--id", "\(id)"] + joins
                + (unsafeLocalReads ? ["--unsafe-local-reads"] : [])
        }
        for low in all {
            for high in all where high > low {
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

    /// The nemesis starts spare `id` (with `--join`); it is a member once `noteAdded`.
    public func takeSpare() -> Int? {
        spares.isEmpty ? nil : spares.removeFirst()
    }

    /// MEMBER ADD of `id` committed.
    public func noteAdded(_ id: Int) {
        precondition(!ids.contains(id), "node \(id) is already a member")
        ids = (ids + [id]).sorted()
        memberPorts.set(ids.map { clientPorts[$0]! })
    }

    /// MEMBER REMOVE of `id` committed: its process exits 0 by itself.
    public func noteRemoved(_ id: Int) {
        ids.removeAll { $0 == id }
        memberPorts.set(ids.map { clientPorts[$0]! })
        if let process = processes[id] { removedByUs.insert(process.pid) }
        paused.remove(id)
    }

    /// Whether node `id`'s process has exited (nil: never started).
    public func hasExited(_ id: Int) -> Bool? {
        guard let process = processes[id] else { return nil }
        return !process.isRunning
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
              !killedByUs.contains(process.pid), !(removedByUs.contains(process.pid) && code == 0)
        else { return }
        reportedExits.insert(process.pid)
        crashes.append("node \(id) (pid \(process.pid)) exited with status \(code) (see \(logPath(id)))")
    }

    /// Checks every node ever started for a crash; call before judging a run.
    public func noteCrashes() { for id in processes.keys.sorted() { noteCrash(id) } }

    /// Kills every daemon and closes the proxies. Idempotent.
    public func stop() {
        noteCrashes()
        for id in paused.sorted() { resume(id) }
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
    do throws(IOError) {
        try Posix.writeTextFile(path, text)
    } catch {
        throw ChaosError("cannot write \(path): \(error)")
    }
}
