import Config
import Glibc
import PaxosCore
import Posix
import Wire

/// Every peer link of this node: the peer listener, dialing with backoff,
/// the handshake, and sending and receiving core messages. A message for
/// a peer that is down is dropped: Paxos retransmits.
final class PeerNetwork {
    /// Called for each message from a peer whose handshake succeeded.
    var onMessage: ((NodeID, Message) -> Void)?

    private let selfID: NodeID
    private let ownHello: PeerHello
    private let memberIDs: Set<NodeID>
    private unowned let loop: EventLoop
    private let flushQueue: FlushQueue
    private let log: Log
    private let listener: Listener
    /// By peer id.
    private var links: [NodeID: PeerLink] = [:]
    /// Accepted connections whose hello has not arrived yet.
    private var unidentified: [ObjectIdentifier: PeerChannel] = [:]
    private var isStopped = false

    /// An accepted connection must say hello within this time.
    static let helloTimeoutMs: UInt64 = 5_000

    init(config: ClusterConfig, selfID: NodeID, peerAddresses: [NodeID: SocketAddress], listener: Listener,
         loop: EventLoop, flushQueue: FlushQueue, log: Log) {
        precondition(peerAddresses[selfID] == nil, "a node is not its own peer")
        self.selfID = selfID
        let hash = membershipHash(members: config.nodes.map { ($0.id, $0.peer.description) })
        ownHello = PeerHello(clusterName: config.cluster, membershipHash: hash, nodeID: selfID)
        memberIDs = Set(config.members)
        self.loop = loop
        self.flushQueue = flushQueue
        self.log = log
        self.listener = listener
        for (id, address) in peerAddresses {
            links[id] = PeerLink(peerID: id, address: address, dials: selfID < id)
        }
        listener.onAccept = { [unowned self] fd, address in self.accept(fd: fd, from: address) }
    }

    /// Starts dialing every higher-id peer.
    func start() {
        for id in links.keys.sorted() where links[id]!.dials { dial(links[id]!) }
    }

    /// Peers whose handshake finished and whose connection is open.
    var peersUp: Int { links.values.filter(\.isUp).count }

    /// Whether the connection to `peer` is established.
    func isUp(_ peer: NodeID) -> Bool { links[peer]?.isUp ?? false }

    /// Queues `envelope` on the peer's connection; false when the peer is
    /// down and the message was dropped here, never having left this node.
    @discardableResult
    func send(_ envelope: Envelope) -> Bool {
        guard let channel = links[envelope.to]?.established, channel.isOpen else { return false }
        channel.send(envelope.message)
        return true
    }

    /// Closes every peer connection and stops redialing.
    func stop() {
        isStopped = true
        listener.close()
        for link in links.values {
            if let timer = link.redialTimer { loop.cancel(timer) }
            link.established?.connection.close()
            link.dialing?.connection.close()
        }
        for channel in unidentified.values { channel.connection.close() }
        unidentified = [:]
    }

    // MARK: Dialing

    private func dial(_ link: PeerLink) {
        guard !isStopped, link.dialing == nil, !link.isUp else { return }
        link.redialTimer = nil
        let fd: CInt
        let status: ConnectStatus
        do throws(IOError) {
            (fd, status) = try Posix.connect(to: link.address)
        } catch {
            lost(link, reason: "\(error)")
            return
        }
        let connection = makeConnection(fd: fd, peer: link.address, isConnecting: status == .inProgress)
        let channel = PeerChannel(connection: connection)
        link.dialing = channel
        connection.onConnect = { [unowned self] _ in channel.sendHello(self.ownHello) }
        connection.onInput = { [unowned self] _ in self.receive(on: channel) }
        connection.onClose = { [unowned self, unowned link] _, error in self.closed(channel, of: link, error: error) }
        do throws(IOError) {
            try connection.start()
        } catch {
            connection.close(error: error)
            return
        }
        if status == .connected { channel.sendHello(ownHello) }
    }

    private func closed(_ channel: PeerChannel, of link: PeerLink, error: IOError?) {
        if link.dialing === channel { link.dialing = nil }
        if link.established === channel { link.established = nil }
        lost(link, reason: error.map { "\($0)" } ?? "connection closed")
    }

    /// Logs the first failure after the link was up and, for a link we dial, redials later.
    private func lost(_ link: PeerLink, reason: String) {
        guard !isStopped else { return }
        if !link.isReportedDown {
            link.isReportedDown = true
            log.info("peer down", ["peer": link.peerID, "reason": reason])
        } else {
            log.debug("peer still down", ["peer": link.peerID, "reason": reason])
        }
        guard link.dials, link.redialTimer == nil, link.dialing == nil, !link.isUp else { return }
        let delay = link.nextBackoffMs()
        link.redialTimer = loop.schedule(afterMs: delay) { [unowned self, unowned link] in self.dial(link) }
    }

    // MARK: Accepting

    private func accept(fd: CInt, from address: SocketAddress?) {
        guard !isStopped else {
            try? Posix.close(fd)
            return
        }
        try? Posix.setNoDelay(fd)
        let connection = makeConnection(fd: fd, peer: address, isConnecting: false)
        let channel = PeerChannel(connection: connection)
        let key = ObjectIdentifier(channel)
        unidentified[key] = channel
        connection.onInput = { [unowned self] _ in self.receive(on: channel) }
        connection.onClose = { [unowned self] _, _ in
            self.unidentified[key] = nil
            for link in self.links.values where link.established === channel {
                link.established = nil
                self.lost(link, reason: "connection closed")
            }
        }
        do throws(IOError) {
            try connection.start()
        } catch {
            connection.close(error: error)
            return
        }
        loop.schedule(afterMs: Self.helloTimeoutMs) { [weak channel] in
            guard let channel, channel.isOpen, channel.hello == nil else { return }
            channel.connection.close(error: IOError(errnoCode: ETIMEDOUT, reason: "no peer hello"))
        }
        log.debug("peer connection accepted", ["from": address.map { "\($0)" } ?? "?"])
    }

    // MARK: Receiving

    private func receive(on channel: PeerChannel) {
        let messages: [[UInt8]]
        do throws(WireError) {
            messages = try channel.takeMessages()
        } catch {
            refuse(channel, "bad peer frame", reason: "\(error)")
            return
        }
        for bytes in messages {
            guard channel.isOpen else { return }
            guard let hello = channel.hello else {
                handleHello(bytes, on: channel)
                continue
            }
            let message: Message
            do throws(DecodeError) {
                message = try PeerMessageCodec.decode(bytes)
            } catch {
                refuse(channel, "bad peer message", reason: "\(error)")
                return
            }
            onMessage?(hello.nodeID, message)
        }
    }

    private func handleHello(_ bytes: [UInt8], on channel: PeerChannel) {
        let hello: PeerHello
        do throws(DecodeError) {
            hello = try PeerHello(decoding: bytes)
        } catch {
            refuse(channel, "bad peer hello", reason: "\(error)")
            return
        }
        if let reason = mismatch(hello) {
            refuse(channel, "peer refused", reason: reason)
            return
        }
        let link: PeerLink
        if let dialed = links.values.first(where: { $0.dialing === channel }) {
            // We dialed: the answer must come from the node we dialed.
            guard hello.nodeID == dialed.peerID else {
                refuse(channel, "peer refused", reason: "\(dialed.address) answered as node \(hello.nodeID), expected node \(dialed.peerID)")
                return
            }
            link = dialed
            link.dialing = nil
        } else {
            guard hello.nodeID < selfID else {
                refuse(channel, "peer refused", reason: "node \(hello.nodeID) has a higher id: this node dials it, not the other way round")
                return
            }
            link = links[hello.nodeID]!
            unidentified[ObjectIdentifier(channel)] = nil
            channel.sendHello(ownHello)
            if let old = link.established, old !== channel {
                // The peer restarted or redialed before we saw the old connection end.
                link.established = nil
                old.connection.close()
            }
            channel.connection.onClose = { [unowned self, unowned link] _, error in self.closed(channel, of: link, error: error) }
        }
        channel.hello = hello
        link.established = channel
        link.backoffMs = PeerLink.initialBackoffMs
        link.isReportedDown = false
        log.info("peer up", ["peer": hello.nodeID, "address": channel.connection.peer.map { "\($0)" } ?? "?"])
    }

    /// Why `hello` must be refused, or nil. Rule 8: another cluster name or
    /// member list must never count toward our majorities.
    private func mismatch(_ hello: PeerHello) -> String? {
        if hello.protocolVersion != ownHello.protocolVersion {
            return "protocol version \(hello.protocolVersion), ours is \(ownHello.protocolVersion)"
        }
        if hello.clusterName != ownHello.clusterName {
            return "cluster name '\(hello.clusterName)', ours is '\(ownHello.clusterName)'"
        }
        if hello.membershipHash != ownHello.membershipHash {
            return "node \(hello.nodeID) has a different member list (membership hash differs)"
        }
        if hello.nodeID == selfID { return "node id \(hello.nodeID) is our own" }
        if !memberIDs.contains(hello.nodeID) { return "node \(hello.nodeID) is not a member" }
        return nil
    }

    private func refuse(_ channel: PeerChannel, _ what: String, reason: String) {
        let from = channel.hello.map { "\($0.nodeID)" } ?? channel.connection.peer.map { "\($0)" } ?? "?"
        log.warn(what, ["from": from, "reason": reason])
        channel.connection.close()
    }

    private func makeConnection(fd: CInt, peer: SocketAddress?, isConnecting: Bool) -> Connection {
        // No read backpressure between peers: two nodes that both stopped
        // reading while their outputs were full would deadlock. The send
        // queue bound (PeerChannel.maxQueuedBytes) drops the connection instead.
        Connection(fd: fd, peer: peer, loop: loop, flushQueue: flushQueue, flushesFirst: true, isConnecting: isConnecting,
                   outputHighWaterBytes: 1 << 40, maxInputBytes: 64 << 20)
    }
}
