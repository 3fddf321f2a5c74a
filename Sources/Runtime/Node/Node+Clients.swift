import ClientPort
import Glibc
import KVStore
import PaxosCore
import Posix
import Wire

/// The client port: accepting RESP connections, routing each command, and
/// answering in request order per connection.
extension Node {
    func acceptClient(fd: CInt, from address: SocketAddress?) {
        guard !isStopping, clients.count < maxClients else {
            // Like Redis: say why, then hang up.
            let refusal = Array("-ERR max number of clients reached\r\n".utf8)
            _ = refusal.withUnsafeBytes { try? Posix.write(fd, $0) }
            try? Posix.close(fd)
            log.debug("client refused: connection limit", ["limit": maxClients])
            return
        }
        try? Posix.setNoDelay(fd)
        let connection = Connection(fd: fd, peer: address, loop: loop, flushQueue: flushQueue,
                                    maxInputBytes: respLimits.maxRequestBytes + (1 << 20))
        let client = ClientHandler(connection: connection, limits: respLimits, session: routing.makeConnectionState())
        let key = ObjectIdentifier(client)
        clients[key] = client
        connection.onInput = { [unowned self] _ in self.clientInput(client) }
        connection.onClose = { [unowned self] _, _ in
            self.clients[key] = nil
            self.attention[key] = nil
            self.pubsub.removeAll(of: client)
            self.stopChangesIfUnwatched()
        }
        do throws(IOError) {
            try connection.start()
        } catch {
            connection.close(error: error)
        }
    }

    private func clientInput(_ client: ClientHandler) {
        client.absorbInput()
        runCommands(of: client)
    }

    /// Runs the parsed commands of `client` until it has too many in the
    /// core, runs out of input, or is closing.
    private func runCommands(of client: ClientHandler) {
        while client.isOpen, !client.isClosing, client.waitingCount < Self.maxPipelinedRequests {
            if let held = client.heldRead {
                guard client.writesInCore == 0 else { break }
                client.heldRead = nil
                read(held.command, name: held.name, isLocal: held.isLocal, for: client)
                continue
            }
            guard let event = client.parser.next() else { break }
            switch event {
            case .command(let args):
                run(args, for: client)
            case .protocolError(let why):
                // The parser's text already starts with "Protocol error: ".
                reply(.error("ERR \(why)"), to: client)
                client.isClosing = true
                attention[ObjectIdentifier(client)] = client
                log.debug("client protocol error", ["client": client.connection.peer.map { "\($0)" } ?? "?", "error": why])
            }
        }
        if client.isOpen, !client.isClosing, client.waitingCount >= Self.maxPipelinedRequests, !client.isPausedForPipeline {
            client.isPausedForPipeline = true
            client.connection.pauseReading()
        }
    }

    private func run(_ args: [[UInt8]], for client: ClientHandler) {
        let name = args.first.flatMap { CommandName($0) }
        switch routing.route(args, session: client.session, info: { self.info() }) {
        case .reply(let value):
            metrics.count(name, value.isError ? .error : .ok)
            reply(value, to: client)
        case .replyAndClose(let value):
            metrics.count(name, value.isError ? .error : .ok)
            reply(value, to: client)
            client.isClosing = true
            attention[ObjectIdentifier(client)] = client
        case .write(let command):
            let id = nextRequestID()
            waiting[id] = WaitingRequest(client: client, sequence: client.reserve(), command: command, isWrite: true,
                                         name: name, startedNs: SystemClock.monotonicNs())
            client.writesInCore += 1
            step(.submit(Request(id: id, payload: command.encoded())))
        case .read(let command):
            read(command, name: name, isLocal: options.unsafeLocalReads && command.isLocallyReadable, for: client)
        case .localRead(let command):
            read(command, name: name, isLocal: true, for: client)
        case .members:
            metrics.count(name, .ok)
            reply(routing.membersReply(memberRows()), to: client)
        case .subscribe(let names, let patterns):
            metrics.count(name, .ok)
            subscribe(names, patterns: patterns, for: client)
        case .unsubscribe(let names, let patterns):
            metrics.count(name, .ok)
            unsubscribe(names, patterns: patterns, for: client)
        case .changes(let prefix):
            metrics.count(name, .ok)
            addChangeFeed(prefix, for: client)
        case .setNotifications(let flags):
            replica.changeLocalSetting { $0.notifyFlags = flags }
            metrics.count(name, .ok)
            reply(.simpleString("OK"), to: client)
        case .watch(let keys):
            // What this node applied is at most what any later read on the
            // connection sees, so a change after it is never missed (one
            // before it, on a lagging follower, fails the EXEC: the safe side).
            let isWatched = client.session.watch(keys, seq: replica.stateMachine.changeSeq)
            metrics.count(name, isWatched ? .ok : .error)
            reply(isWatched ? .simpleString("OK") : .error("ERR too many watched keys (at most \(ConnectionState.watchedMax))"), to: client)
        case .memberChange(let change):
            if let refusal = memberChangeBusy() ?? addressConflict(change) {
                metrics.count(name, .error)
                reply(.error(refusal), to: client)
                return
            }
            let id = nextRequestID()
            waiting[id] = WaitingRequest(client: client, sequence: client.reserve(), command: nil, isWrite: true,
                                         name: name, startedNs: SystemClock.monotonicNs())
            client.writesInCore += 1
            log.info("member change submitted", ["change": describe(change), "id": id])
            step(.submit(Request(id: id, payload: change.payload)))
        }
    }

    /// A read waits for the connection's own earlier writes, so a pipelined
    /// `SET k v; GET k` sees v as it does on Redis.
    private func read(_ command: KVCommand, name: CommandName?, isLocal: Bool, for client: ClientHandler) {
        guard client.writesInCore == 0 else {
            client.heldRead = (command, name, isLocal)
            return
        }
        if isLocal {
            let result = replica.stateMachine.query(command.encoded())
            let value = routing.render(.result(result), for: command, session: client.session)
            metrics.count(name, value.isError ? .error : .ok)
            reply(value, to: client)
        } else {
            let id = nextRequestID()
            waiting[id] = WaitingRequest(client: client, sequence: client.reserve(), command: command, isWrite: false,
                                         name: name, startedNs: SystemClock.monotonicNs())
            step(.read(id, payload: command.encoded()))
        }
    }

    private func reply(_ value: RESPValue, to client: ClientHandler) {
        var bytes: [UInt8] = []
        routing.encoder(for: client.session).append(value, to: &bytes)
        client.enqueue(bytes)
    }

    /// Resumes connections whose pipeline drained. Done here, not while the
    /// core's output is being delivered, so a step never runs inside another.
    func serviceClients() {
        guard !attention.isEmpty else { return }
        for client in attention.values where client.isOpen {
            if client.isPausedForPipeline && client.waitingCount < Self.maxPipelinedRequests / 2 {
                client.isPausedForPipeline = false
                client.connection.resumeReading()
                runCommands(of: client)
            } else if client.heldRead != nil && client.writesInCore == 0 {
                runCommands(of: client)
            }
        }
    }

    /// Closes connections that asked to (QUIT, protocol error) once their
    /// last reply is written.
    func closeFinishedClients() {
        guard !attention.isEmpty else { return }
        for (key, client) in attention {
            if !client.isOpen {
                attention[key] = nil
            } else if client.isClosing {
                if client.hasNoRepliesPending && client.connection.output.isEmpty { client.connection.close() }
            } else if !client.isPausedForPipeline && client.heldRead == nil {
                attention[key] = nil
            }
        }
    }
}
