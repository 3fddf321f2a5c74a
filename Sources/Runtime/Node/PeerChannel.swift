import Glibc
import PaxosCore
import Posix
import Wire

/// One peer TCP connection: logical messages split into frames on the way
/// out, frames reassembled on the way in. The first message each way is a
/// `PeerHello`; `hello` is set once the other side's hello was accepted.
final class PeerChannel {
    let connection: Connection
    /// The other side's hello, once checked; messages count only after it.
    var hello: PeerHello?
    /// We dialed it (else the peer did and we accepted it).
    let dialedByUs: Bool
    private var decoder = PeerStreamDecoder()
    private var writer = FragmentWriter()

    /// Unsent bytes at most before the connection is dropped: a peer that
    /// does not read must not make us buffer without bound, and Paxos
    /// retransmits whatever is lost with the connection.
    static let maxQueuedBytes = 256 << 20

    init(connection: Connection, dialedByUs: Bool) {
        self.connection = connection
        self.dialedByUs = dialedByUs
    }

    var isOpen: Bool { connection.state != .closed }

    func sendHello(_ hello: PeerHello) {
        sendLogical(hello.encoded())
    }

    /// Queues `message`; false when that overflowed the queue and closed the connection.
    @discardableResult
    func send(_ message: Message) -> Bool {
        sendLogical(PeerMessageCodec.encode(message))
    }

    /// The sender's vector clock for the message sent next (tracing only).
    @discardableResult
    func sendStamp(_ clock: [(node: NodeID, count: UInt64)]) -> Bool {
        sendLogical(PeerTraceStamp.encode(clock))
    }

    /// A stamp received and waiting for the message it belongs to.
    var pendingStamp: [NodeID: UInt64]?

    @discardableResult
    private func sendLogical(_ bytes: [UInt8]) -> Bool {
        guard isOpen else { return false }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 32)
        writer.append(message: bytes, to: &out)
        connection.send(out)
        if connection.output.pendingBytes > Self.maxQueuedBytes {
            connection.close(error: IOError(errnoCode: ENOBUFS, reason: "peer send queue over \(Self.maxQueuedBytes) bytes"))
            return false
        }
        return true
    }

    /// Moves the received bytes into the decoder and returns every complete
    /// logical message. Throws on a bad frame: close the connection.
    func takeMessages() throws(WireError) -> [[UInt8]] {
        connection.input.withUnsafeReadableBytes { decoder.append($0) }
        connection.input.consumeAll()
        var messages: [[UInt8]] = []
        while let message = try decoder.next() { messages.append(message) }
        return messages
    }
}
