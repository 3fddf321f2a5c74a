/// What the command parser produced from the bytes so far.
public enum RESPCommandEvent: Equatable, Sendable {
    /// One complete command: its arguments, binary-safe.
    case command([[UInt8]])
    /// Malformed input or a broken limit; reply `-ERR <message>` and close.
    case protocolError(String)
}

/// Incremental parser for client requests: RESP multibulk arrays of bulk
/// strings and inline commands, as redis' `processMultibulkBuffer` and
/// `processInlineBuffer`. Feed chunks with `append`, then call `next()` until
/// it returns nil (needs more bytes). A half-read request keeps its state, so
/// no byte is parsed twice. After a protocol error it keeps returning that error.
public struct RESPCommandParser: Sendable {
    public let limits: RESPLimits
    private var queue = ByteQueue()
    private var failure: String?
    /// Arguments still to read in the current multibulk request; 0: between requests.
    private var argumentsLeft = 0
    /// Length of the bulk whose data is awaited; nil: a `$N` line comes next.
    private var bulkLength: Int?
    private var arguments: [[UInt8]] = []
    /// Sum of the current request's argument lengths. Invariant: <= limits.maxRequestBytes.
    private var requestBytes = 0

    /// A parser with the given limits.
    public init(limits: RESPLimits = RESPLimits()) {
        self.limits = limits
    }

    /// Bytes buffered and not yet returned as commands.
    public var bufferedByteCount: Int { queue.count }

    /// Adds received bytes.
    public mutating func append(_ chunk: UnsafeRawBufferPointer) {
        guard failure == nil else { return }
        queue.append(chunk)
    }

    /// Adds received bytes.
    public mutating func append<S: Sequence>(contentsOf chunk: S) where S.Element == UInt8 {
        guard failure == nil else { return }
        queue.append(contentsOf: chunk)
    }

    /// The next complete command or error, or nil when more bytes are needed.
    public mutating func next() -> RESPCommandEvent? {
        if let failure { return .protocolError(failure) }
        while queue.count > 0 {
            let step: Step
            if argumentsLeft > 0 {
                step = bulkLength == nil ? readBulkHeader() : readBulkData()
            } else if queue.bytes[queue.start] == UInt8(ascii: "*") {
                step = readMultibulkHeader()
            } else {
                step = readInline()
            }
            switch step {
            case .progress: continue
            case .needMore: return nil
            case .command(let argv): return .command(argv)
            case .failed(let why): return fail(why)
            }
        }
        return nil
    }

    private enum Step {
        case progress
        case needMore
        case command([[UInt8]])
        case failed(String)
    }

    private mutating func fail(_ why: String) -> RESPCommandEvent {
        let message = "Protocol error: " + why
        failure = message
        queue.reset()
        arguments = []
        return .protocolError(message)
    }

    /// Reads `*N\r\n`.
    private mutating func readMultibulkHeader() -> Step {
        guard let cr = queue.find(UInt8(ascii: "\r")), cr + 1 < queue.bytes.count else {
            return queue.count > limits.maxInlineBytes ? .failed("too big mbulk count string") : .needMore
        }
        guard cr - queue.start <= limits.maxInlineBytes else { return .failed("too big mbulk count string") }
        guard queue.bytes[cr + 1] == 0x0A,
              let n = RedisInteger.parse(queue.bytes[queue.start + 1..<cr]),
              n <= Int64(limits.maxArguments)
        else { return .failed("invalid multibulk length") }
        queue.consume(upTo: cr + 2)
        // `*0` and `*-1` are empty requests: skipped, as redis does.
        guard n > 0 else { return .progress }
        argumentsLeft = Int(n)
        bulkLength = nil
        requestBytes = 0
        arguments = []
        // Never trust the count for an allocation: it may be a lie.
        arguments.reserveCapacity(min(Int(n), 1024))
        return .progress
    }

    /// Reads `$N\r\n`.
    private mutating func readBulkHeader() -> Step {
        let first = queue.bytes[queue.start]
        guard first == UInt8(ascii: "$") else { return .failed("expected '$', got '\(printableByte(first))'") }
        guard let cr = queue.find(UInt8(ascii: "\r")), cr + 1 < queue.bytes.count else {
            return queue.count > limits.maxInlineBytes ? .failed("too big bulk count string") : .needMore
        }
        guard cr - queue.start <= limits.maxInlineBytes else { return .failed("too big bulk count string") }
        guard queue.bytes[cr + 1] == 0x0A,
              let n = RedisInteger.parse(queue.bytes[queue.start + 1..<cr]),
              n >= 0, n <= Int64(limits.maxBulkBytes)
        else { return .failed("invalid bulk length") }
        // Checked before a single byte of the bulk is buffered or allocated.
        guard Int(n) <= limits.maxRequestBytes - requestBytes else { return .failed("too big request") }
        queue.consume(upTo: cr + 2)
        bulkLength = Int(n)
        return .progress
    }

    /// Reads the bulk's bytes and the `\r\n` after them.
    private mutating func readBulkData() -> Step {
        guard let length = bulkLength else { preconditionFailure("no bulk length") }
        guard queue.count >= length + 2 else { return .needMore }
        let from = queue.start
        guard queue.bytes[from + length] == 0x0D, queue.bytes[from + length + 1] == 0x0A else {
            return .failed("expected '\\r\\n' after bulk string")
        }
        arguments.append(queue.copy(from, from + length))
        queue.consume(upTo: from + length + 2)
        requestBytes += length
        bulkLength = nil
        argumentsLeft -= 1
        assert(requestBytes <= limits.maxRequestBytes)
        guard argumentsLeft == 0 else { return .progress }
        let argv = arguments
        arguments = []
        return .command(argv)
    }

    /// Reads one inline command line ended by `\n` (a `\r` before it is dropped).
    private mutating func readInline() -> Step {
        guard let newline = queue.find(0x0A) else {
            return queue.count > limits.maxInlineBytes ? .failed("too big inline request") : .needMore
        }
        let from = queue.start
        guard newline - from <= limits.maxInlineBytes else { return .failed("too big inline request") }
        var end = newline
        if end > from && queue.bytes[end - 1] == 0x0D { end -= 1 }
        guard let argv = splitInlineArguments(queue.bytes[from..<end]) else {
            return .failed("unbalanced quotes in request")
        }
        queue.consume(upTo: newline + 1)
        // An empty line is ignored (telnet users press enter).
        return argv.isEmpty ? .progress : .command(argv)
    }
}
