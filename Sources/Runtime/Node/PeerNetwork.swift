import Config
import Glibc
import PaxosCore
import Posix
import Wire

/// Every peer link of this node: the peer listener, dialing with backoff,
/// the handshake, and sending and receiving core messages. A message for
/// a peer that is down is dropped: Paxos retransmits. Which peers there
/// are follows the committed configuration (`setPeers`).
final class PeerNetwork {
    /// Called for each message from a peer whose handshake succeeded.
    /// A peer's message, with the sender's trace stamp when it sent one.
    var onMessage: ((NodeID, Message, [NodeID: UInt64]?) -> Void)?

    private let selfID: NodeID
    private let clusterName: String
    /// What our hello says of our committed configuration (`setConfiguration`).
    private var configuration: (hash: UInt64, slot: UInt64?) = (0, nil)
    private unowned let loop: EventLoop
    private let flushQueue: FlushQueue
    private let log: Log
    private let listener: Listener
    /// By peer id.
    private var links: [NodeID: PeerLink] = [:]
    private var isStarted = false
    /// Accepted connections whose hello has not arrived yet.
    private var unidentified: [ObjectIdentifier: PeerChannel] = [:]
    private var isStopped = false

    /// An accepted connection must say hello within this time.
    static let helloTimeoutMs: UInt64 = 5_000
    /// A lower id silent this long gets dialed by us (see `PeerLink`).
    static let reverseAfterMs: UInt64 = 3_000

    init(clusterName: String, selfID: NodeID, listener: Listener, loop: EventLoop, flushQueue: FlushQueue, log: Log) {
        self.selfID = selfID
        self.clusterName = clusterName
        self.loop = loop
        self.flushQueue = flushQueue
        self.log = log
        self.listener = listener
        listener.onAccept = { [unowned self] fd, address in self.accept(fd: fd, from: address) }
    }

    private var ownHello: PeerHello {
        PeerHello(clusterName: clusterName, membershipHash: configuration.hash, configSlot: configuration.slot, nodeID: selfID)
    }

    /// What the next hellos say of our committed configuration (nil slot: not known yet).
    func setConfiguration(hash: UInt64, slot: UInt64?) {
        configuration = (hash, slot)
    }

    /// The peers to keep links to and where to dial them; `reverse`: also
    /// dial lower ids (we are not a member yet, so they do not dial us).
    /// A peer no longer listed keeps a connection it made to us, but is not
    /// dialed again; connections we made to it close.
    func setPeers(_ addresses: [NodeID: SocketAddress], reverse: Bool) {
        precondition(addresses[selfID] == nil, "a node is not its own peer")
        for (id, address) in addresses where links[id] == nil {
            links[id] = PeerLink(peerID: id, address: address, isLower: selfID < id)
        }
        for link in links.values {
            let address = addresses[link.peerID]
            let moved = link.address != nil && address != nil && link.address != address
            let wasReverse = link.reverse
            link.address = address
            link.reverse = reverse && !link.isLower
            if moved || (wasReverse && !link.reverse) || !link.dials { dropOwnConnections(of: link) }
            if link.isUpOnlyInReverse, let channel = link.established {
                link.established = nil
                channel.connection.close()
            }
            if isStarted {
                dial(link)
                watchSilence(of: link)
            }
        }
    }

    /// Starts dialing every peer this node dials.
    func start() {
        isStarted = true
        for id in links.keys.sorted() {
            dial(links[id]!)
            watchSilence(of: links[id]!)
        }
    }

    /// While a lower id's link is down, waits `reverseAfterMs`, then dials it.
    private func watchSilence(of link: PeerLink) {
        guard !isStopped, !link.isLower, link.address != nil, !link.isUp, link.silenceTimer == nil else { return }
        link.silenceTimer = loop.schedule(afterMs: Self.reverseAfterMs) { [unowned self, unowned link] in
            link.silenceTimer = nil
            guard !self.isStopped, !link.isUp else { return }
            link.peerSilent = true
            self.dial(link)
        }
    }

    /// Peers whose handshake finished and whose connection is open.
    var peersUp: Int { links.values.filter(\.isUp).count }

    /// Whether the connection to `peer` is established.
    func isUp(_ peer: NodeID) -> Bool { links[peer]?.isUp ?? false }

    /// Queues `envelope` on the peer's connection; false when the peer is
    /// down and the message was dropped here, never having left this node.
    @discardableResult
    func send(_ envelope: Envelope, stamp: (() -> [(node: NodeID, count: UInt64)])? = nil) -> Bool {
        guard let channel = links[envelope.to]?.established, channel.isOpen else { return false }
        if let stamp { channel.sendStamp(stamp()) }
        channel.send(envelope.message)
        return true
    }

    /// Closes every peer connection and stops redialing.
    func stop() {
        isStopped = true
        listener.close()
        for link in links.values {
            if let timer = link.redialTimer { loop.cancel(timer) }
            if let timer = link.silenceTimer { loop.cancel(timer) }
            link.redialTimer = nil
            link.silenceTimer = nil
            link.established?.connection.close()
            link.dialing?.connection.close()
        }
        for channel in unidentified.values { channel.connection.close() }
        unidentified = [:]
    }

    // MARK: Dialing

    /// Closes the connections we made on `link` (a moved address, a reverse
    /// link we no longer need) and stops redialing it until `dial`.
    private func dropOwnConnections(of link: PeerLink) {
        if let timer = link.redialTimer {
            loop.cancel(timer)
            link.redialTimer = nil
        }
        if let channel = link.dialing {
            link.dialing = nil
            channel.connection.close()
        }
        if let channel = link.established, channel.dialedByUs {
            link.established = nil
            channel.connection.close()
        }
    }

    private func dial(_ link: PeerLink) {
        guard !isStopped, link.dials, let address = link.address, link.dialing == nil, !link.isUp else { return }
        if let timer = link.redialTimer { loop.cancel(timer) }
        link.redialTimer = nil
        let fd: CInt
        let status: ConnectStatus
        do throws(IOError) {
            (fd, status) = try Posix.connect(to: address)
        } catch {
            lost(link, reason: "\(error)")
            return
        }
        let connection = makeConnection(fd: fd, peer: address, isConnecting: status == .inProgress)
        let channel = PeerChannel(connection: connection, dialedByUs: true)
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
        watchSilence(of: link)
        guard isStarted, link.dials, link.redialTimer == nil, link.dialing == nil, !link.isUp else { return }
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
        let channel = PeerChannel(connection: connection, dialedByUs: false)
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
            if PeerTraceStamp.isStamp(bytes) {
                do throws(DecodeError) {
                    channel.pendingStamp = try PeerTraceStamp.decode(bytes)
                } catch {
                    refuse(channel, "bad trace stamp", reason: "\(error)")
                    return
                }
                continue
            }
            let message: Message
            do throws(DecodeError) {
                message = try PeerMessageCodec.decode(bytes)
            } catch {
                refuse(channel, "bad peer message", reason: "\(error)")
                return
            }
            let stamp = channel.pendingStamp
            channel.pendingStamp = nil
            onMessage?(hello.nodeID, message, stamp)
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
                refuse(channel, "peer refused", reason: "\(channel.connection.peer.map { "\($0)" } ?? "?") answered as node \(hello.nodeID), expected node \(dialed.peerID)")
                return
            }
            link = dialed
            link.dialing = nil
        } else {
            let known = links[hello.nodeID]
            // A higher id dials us only while it is outside its configuration:
            // we take that connection while we have no address to dial it at.
            if hello.nodeID > selfID, known?.address != nil {
                // Expected while our own dial to it fails (a partition): not worth a warning.
                log.debug("peer refused", ["from": hello.nodeID, "reason": "node \(hello.nodeID) has a higher id: this node dials it"])
                channel.connection.close()
                return
            }
            link = known ?? PeerLink(peerID: hello.nodeID, address: nil, isLower: selfID < hello.nodeID)
            links[hello.nodeID] = link
            unidentified[ObjectIdentifier(channel)] = nil
            channel.sendHello(ownHello)
            channel.connection.onClose = { [unowned self, unowned link] _, error in self.closed(channel, of: link, error: error) }
        }
        if let old = link.established, old !== channel {
            // The peer restarted or redialed before we saw the old connection
            // end, or the pair's own connection replaces a reverse one.
            link.established = nil
            old.connection.close()
        }
        channel.hello = hello
        link.established = channel
        link.backoffMs = PeerLink.initialBackoffMs
        link.isReportedDown = false
        link.peerSilent = false
        log.info("peer up", ["peer": hello.nodeID, "address": channel.connection.peer.map { "\($0)" } ?? "?"])
    }

    /// Why `hello` must be refused, or nil. Rule 8: another cluster name,
    /// or another member list at the same configuration slot, must never
    /// count toward our majorities. (At different slots one of us lags the
    /// other's member changes; the core counts only its own members.)
    private func mismatch(_ hello: PeerHello) -> String? {
        let own = ownHello
        if hello.protocolVersion != own.protocolVersion {
            return "protocol version \(hello.protocolVersion), ours is \(own.protocolVersion)"
        }
        if hello.clusterName != own.clusterName {
            return "cluster name '\(hello.clusterName)', ours is '\(own.clusterName)'"
        }
        if hello.nodeID == selfID { return "node id \(hello.nodeID) is our own" }
        if let slot = hello.configSlot, slot == own.configSlot, hello.membershipHash != own.membershipHash {
            return "node \(hello.nodeID) has a different member list for configuration slot \(slot) (membership hash differs)"
        }
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
