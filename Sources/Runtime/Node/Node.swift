import ClientPort
import Config
import Glibc
import KVStore
import PaxosCore
import Trace
import Posix
import Storage
import Wire

/// One `paxosd`: the consensus core, its write-ahead log, the peer links
/// and the client port, all driven by one event loop thread. The core
/// decides; the node only executes its outputs in order (persist, send,
/// reply) and feeds it ticks, peer messages, client requests and WAL
/// durability.
public final class Node {
    let config: ClusterConfig
    let me: NodeConfig
    let log: Log
    let loop: EventLoop
    let flushQueue = FlushQueue()
    let dataDirectory: DataDirectory
    let wal: WriteAheadLog
    var replica: Replica<KVStateMachine>
    let peers: PeerNetwork
    let clientListener: Listener
    /// `GET /metrics` and `/health`, when the node's section names a `metrics`
    /// address: bound in `init`, served from `run`.
    let metricsListener: Listener?
    var metricsServer: MetricsServer?
    /// `--trace FILE`; nil costs one check per message.
    var tracer: NodeTracer?
    /// Monotonic ms until which the live page counts as watched.
    var liveTraceUntilMs: UInt64 = 0
    var metrics: NodeMetrics
    var routing: ClientRouting
    let respLimits: RESPLimits
    /// Client connections at most (the config's, lowered to what the fd limit allows).
    let maxClients: Int
    let options: NodeOptions

    // Client requests in the core, by id: where the reply goes.
    var waiting: [RequestID: WaitingRequest] = [:]
    var clients: [ObjectIdentifier: ClientHandler] = [:]
    /// Pub/sub subscriptions of this node's connections.
    let pubsub = PubSubRegistry()
    /// Connections to look at in `beforeSleep`: closing ones, paused ones that may resume.
    var attention: [ObjectIdentifier: ClientHandler] = [:]
    /// Serials never repeat across restarts: each incarnation starts at its wall-clock ms × 10^6.
    var nextSerial: UInt64
    /// Records the core asked to persist during this loop turn, handed to
    /// the WAL together in `beforeSleep`: one wake-up of the sync thread and
    /// one group commit per turn, not one per message that arrived.
    var recordsThisTurn: [Record] = []
    /// The core took an input this turn, so `.endOfTurn` may have work
    /// (an idle wake-up does not step the core for nothing).
    var steppedThisTurn = false
    var tickTimer: TimerID?
    var signals: SignalSource?
    var isStopping = false

    static let tickIntervalMs: UInt64 = 10
    /// Requests of one connection in the core at most; it stops being read beyond that.
    static let maxPipelinedRequests = 1_024

    /// Opens the data directory (taking its lock), recovers the log, binds
    /// both ports and starts dialing peers. Throws `NodeStartError`.
    public init(config: ClusterConfig, id: NodeID, log: Log, options: NodeOptions = NodeOptions()) throws(NodeStartError) {
        guard let me = config.node(id) else {
            throw NodeStartError("\(config.path): no [node.\(id)] section for --id \(id)", exitCode: 2)
        }
        self.config = config
        self.me = me
        self.log = log
        self.options = options
        let tuning = config.tuning
        var machine = KVStateMachine(sessionTTLms: tuning.sessionTTLSeconds * 1_000, maxSessions: tuning.maxSessions,
                                     maxValueBytes: tuning.maxValueBytes)
        machine.notifyFlags = NotifyFlags(letters: config.notifyKeyspaceEvents) ?? []  // the parser checked the letters
        var opened = try Self.openStorage(me.data, log: log)
        try Self.prepareStorage(&opened, id: id, config: config, options: options, emptyState: machine.snapshot(), log: log)
        dataDirectory = opened.directory
        wal = opened.wal
        var coreConfig = tuning.makeCoreConfig(id: id, members: config.members)
        coreConfig.memberAddresses = Self.fileMembership(config).addresses
        coreConfig.knowsMembers = CoreSnapshot.membership(in: opened.recovered.snapshotData ?? []) != nil
        if options.join {
            // Whom to ask; the configuration itself comes with a member's snapshot.
            let others = config.members.filter { $0 != id }
            guard !others.isEmpty else {
                wal.close()
                dataDirectory.close()
                throw NodeStartError("--join: \(config.path) names no member besides node \(id) to join through", exitCode: 2)
            }
            coreConfig.members = others
            coreConfig.memberAddresses = [:]
            coreConfig.joining = true
        }
        do {
            replica = try Replica(config: coreConfig, stateMachine: machine, recovering: opened.recovered)
        } catch {
            throw NodeStartError("\(me.data): \(error). Written by another paxosd version? Start this node on an empty data directory to catch up from the others, or restore a backup (paxosd --restore).", exitCode: 1)
        }
        nextSerial = SystemClock.wallMs() &* 1_000_000
        if let path = options.tracePath {
            do throws(NodeStartError) {
                tracer = try NodeTracer(path: path, node: id)
            } catch {
                wal.close()
                dataDirectory.close()
                throw error
            }
        }
        metrics = NodeMetrics(startCommit: replica.commitIndex)
        routing = ClientRouting(config: config, clientPort: Int(me.client.port))
        respLimits = RESPLimits(maxBulkBytes: tuning.maxRequestBytes, maxRequestBytes: tuning.maxRequestBytes)
        maxClients = Self.raiseFileLimit(for: tuning.maxConnections, log: log)
        do throws(NodeStartError) {
            do throws(IOError) {
                loop = try EventLoop()
            } catch {
                throw NodeStartError("cannot create the event loop: \(error)", exitCode: 3)
            }
            try Self.checkPeerVia(options.peerVia, config: config, id: id)
            let peerListener = try Self.listen("peer", me.peer, loop: loop, log: log)
            clientListener = try Self.listen("client", me.client, loop: loop, log: log)
            let loop = self.loop
            if let address = me.metrics {
                metricsListener = try Self.listen("metrics", address, loop: loop, log: log)
            } else {
                metricsListener = nil
            }
            peers = PeerNetwork(clusterName: config.cluster, selfID: id, listener: peerListener,
                                loop: loop, flushQueue: flushQueue, log: log)
        } catch {
            wal.close()
            dataDirectory.close()
            throw error
        }
        logStart(recovered: opened.recovered)
        if replica.membership.retired.contains(id) {
            shutDown()
            throw NodeStartError("node \(id) was removed from the cluster at slot \(replica.membership.slot) "
                                 + "(its data directory says so); it does not start again", exitCode: 0)
        }
        refreshPeers()
    }

    /// Runs until SIGTERM or SIGINT, then shuts down cleanly.
    public func run() throws(NodeStartError) {
        do throws(IOError) {
            try loop.register(wal.completionFD, interest: .readable) { [unowned self] _ in self.walProgressed() }
            signals = try SignalSource(signals: [SIGTERM, SIGINT], loop: loop) { [unowned self] signal in
                self.stop(signal: signal)
            }
        } catch {
            throw NodeStartError("cannot start the event loop: \(error)", exitCode: 3)
        }
        peers.onMessage = { [unowned self] from, message, stamp in
            self.tracer?.received(message, from: from, stamp: stamp)
            self.step(.receive(from: from, message))
        }
        tracer?.local(EventSummary(name: "start", label: "paxosd starts (role \(replica.role.rawValue), applied \(replica.applied))"))
        clientListener.onAccept = { [unowned self] fd, address in self.acceptClient(fd: fd, from: address) }
        if let metricsListener {
            metricsServer = MetricsServer(listener: metricsListener, loop: loop, log: log) { [unowned self] request in
                self.metricsResponse(request)
            }
        }
        loop.beforeSleep = { [unowned self] in self.beforeSleep() }
        tick()
        tickTimer = loop.schedule(afterMs: Self.tickIntervalMs, repeatingEveryMs: Self.tickIntervalMs) { [unowned self] in
            self.tick()
        }
        peers.start()
        do throws(IOError) {
            try loop.run()
        } catch {
            log.error("event loop failed", ["error": error])
            shutDown()
            throw NodeStartError("event loop failed: \(error)", exitCode: 3)
        }
        shutDown()
    }

    /// SIGTERM/SIGINT: stop accepting and leave the loop; `run` then closes the WAL.
    private func stop(signal: CInt) {
        leave(because: signal == SIGTERM ? "SIGTERM" : "SIGINT")
    }

    /// Stops accepting, hands over if leading, and leaves the loop (`run` returns, exit 0).
    func leave(because reason: String) {
        guard !isStopping else { return }
        isStopping = true
        log.info("shutting down", ["reason": reason, "role": replica.role.rawValue])
        clientListener.close()
        let wasLeader = replica.role == .leader
        step(.handOver)
        // A leader gives its TAKE-OVER message a moment on the wire before the loop ends.
        if wasLeader {
            _ = loop.schedule(afterMs: 50) { [unowned self] in self.loop.stop() }
        } else {
            loop.stop()
        }
    }

    /// Writes what replies it can, closes every connection, then lets the
    /// WAL finish its in-flight fdatasync and closes it.
    private func shutDown() {
        if let tickTimer { loop.cancel(tickTimer) }
        tickTimer = nil
        clientListener.close()
        metricsServer?.close()
        metricsListener?.close()
        flushQueue.flushAll()
        for client in clients.values { client.connection.close() }
        peers.stop()
        signals?.close()
        if loop.interest(of: wal.completionFD) != nil { try? loop.unregister(wal.completionFD) }
        appendRecordsOfTurn()
        tracer?.local(EventSummary(name: "stop", label: "paxosd stops"))
        tracer?.flush()
        wal.close()
        dataDirectory.close()
        log.info("stopped", ["applied": replica.applied, "durable_records": wal.durableCount])
    }

    private func beforeSleep() {
        serviceClients()
        // The turn's writes (this node's clients', forwarded ones) go out as one batch.
        if steppedThisTurn {
            step(.endOfTurn)
            steppedThisTurn = false
        }
        appendRecordsOfTurn()
        flushQueue.flushAll()
        tracer?.flush()
        if let error = tracer?.takeFailure() { log.warn("trace file write failed; tracing to it stops", ["error": error]) }
        closeFinishedClients()
        metricsServer?.closeDrained()
    }

    /// What INFO shows of the core, the log and the connections (the
    /// client routing adds the process's own fields).
    func info() -> NodeInfo {
        var info = NodeInfo(nodeID: me.id, role: replica.role.rawValue, leaderID: replica.leaderID, ballot: replica.ballot.description,
                 commitIndex: replica.commitIndex, appliedIndex: replica.applied, snapshotIndex: replica.snapshotIndex,
                 walBytes: UInt64(max(0, wal.walBytes)), peersUp: peers.peersUp, isVoter: replica.isVoter,
                 members: replica.membership.members.count, configSlot: replica.membership.slot,
                 connectedClients: clients.count, memberState: memberState.rawValue)
        info.notifyKeyspaceEvents = replica.stateMachine.notifyFlags.letters
        return info
    }

    private func logStart(recovered: RecoveredState) {
        log.info("started", ["peer": me.peer, "client": me.client, "data": me.data,
                             "members": replica.knowsMembers ? replica.membership.members.map(String.init).joined(separator: ",") : "unknown",
                             "config_slot": replica.membership.slot,
                             "promised": recovered.promised, "snapshot": recovered.snapshotIndex,
                             "accepted_slots": recovered.accepted.count])
        if options.join && !replica.knowsMembers {
            log.info("joining: learning the configuration from a member; votes once a committed change adds this node")
        } else if replica.isJoining {
            log.info("joining: non-voting learner until a committed change adds this node and it has applied it")
        } else if !replica.isVoter {
            // Rule 9: it may have forgotten promises; it votes only once that is safe.
            log.info("empty data directory: non-voting learner until caught up (or until the cluster is new)")
        }
        logFileDifference()
        for (peer, address) in options.peerVia.sorted(by: { $0.key < $1.key }) {
            log.info("reaching peer via another address", ["peer": peer, "via": address])
        }
        if options.unsafeLocalReads {
            log.warn("UNSAFE: --unsafe-local-reads serves reads from the local replica; they may be stale")
        }
    }
}
