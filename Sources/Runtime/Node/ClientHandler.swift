import ClientPort
import KVStore
import Wire

/// One client connection: its command parser, its router session, and its
/// replies in request order. Redis clients pipeline, so a reply that is
/// ready early (a PING behind a pending SET) waits for the replies before it.
final class ClientHandler {
    let connection: Connection
    var parser: RESPCommandParser
    let session: ConnectionState
    /// Replies by request sequence number; nil while the request is in the core.
    /// Invariant: `replies[i]` belongs to sequence `firstSequence + i`.
    private var replies: [[UInt8]?] = []
    private var firstSequence: UInt64 = 0
    private(set) var waitingCount = 0
    /// No more commands are read; close once every reply is written.
    var isClosing = false
    /// Writes of this connection in the core, not yet answered.
    var writesInCore = 0
    /// A read that waits for `writesInCore` to reach 0; commands after it wait too.
    var heldRead: (command: KVCommand, name: CommandName?, isLocal: Bool)?
    /// Reading was paused because too many requests wait in the core.
    var isPausedForPipeline = false

    init(connection: Connection, limits: RESPLimits, session: ConnectionState) {
        self.connection = connection
        self.parser = RESPCommandParser(limits: limits)
        self.session = session
    }

    var isOpen: Bool { connection.state != .closed }

    /// True once every reply was handed to the connection.
    var hasNoRepliesPending: Bool { replies.isEmpty }

    /// Moves received bytes into the parser.
    func absorbInput() {
        connection.input.withUnsafeReadableBytes { parser.append($0) }
        connection.input.consumeAll()
    }

    /// Queues a reply that is ready now.
    func enqueue(_ bytes: [UInt8]) {
        replies.append(bytes)
        writeReadyPrefix()
    }

    /// Reserves the place of a reply that comes later; returns its sequence number.
    func reserve() -> UInt64 {
        replies.append(nil)
        waitingCount += 1
        return firstSequence + UInt64(replies.count - 1)
    }

    /// Fills a reserved place.
    func fill(_ sequence: UInt64, with bytes: [UInt8]) {
        precondition(sequence >= firstSequence, "reply for a request already answered")
        let index = Int(sequence - firstSequence)
        precondition(index < replies.count && replies[index] == nil, "reply filled twice")
        replies[index] = bytes
        waitingCount -= 1
        writeReadyPrefix()
    }

    private func writeReadyPrefix() {
        var ready = 0
        while ready < replies.count, let bytes = replies[ready] {
            connection.send(bytes)
            ready += 1
        }
        guard ready > 0 else { return }
        replies.removeFirst(ready)
        firstSequence += UInt64(ready)
    }
}

/// A client request in the core: where its reply goes.
struct WaitingRequest {
    let client: ClientHandler
    /// The reply's place in the connection's order.
    let sequence: UInt64
    /// What the reply answers (the renderer may need it); nil for a member change.
    let command: KVCommand?
    let isWrite: Bool
    /// For the metrics: the command's name and when it was parsed.
    let name: CommandName?
    let startedNs: UInt64
}
