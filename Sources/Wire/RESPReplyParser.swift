/// What the reply parser produced from the bytes so far.
public enum RESPReplyEvent: Equatable, Sendable {
    /// One complete top-level reply.
    case reply(RESPValue)
    /// The server sent something that is not RESP; drop the connection.
    case protocolError(String)
}

/// Bounds on what a server may make the reply parser hold.
public struct RESPReplyLimits: Sendable, Equatable {
    /// One bulk string at most (Redis' own default `proto-max-bulk-len`).
    public var maxBulkBytes: Int
    /// Elements of one aggregate at most.
    public var maxElements: Int
    /// Aggregates nested inside each other at most.
    public var maxDepth: Int
    /// A `+`, `-`, `:` or header line at most.
    public var maxLineBytes: Int

    /// Defaults: 512 MiB bulk, 2^31-1 elements, depth 64, 64 KiB lines.
    public init(maxBulkBytes: Int = 512 << 20, maxElements: Int = Int(Int32.max), maxDepth: Int = 64, maxLineBytes: Int = 64 << 10) {
        self.maxBulkBytes = maxBulkBytes
        self.maxElements = maxElements
        self.maxDepth = maxDepth
        self.maxLineBytes = maxLineBytes
    }
}

/// Incremental parser for server replies (for `kvctl` and tests): RESP2
/// `+ - : $ *` and RESP3 `_ , # % ~ = !`. Same use as `RESPCommandParser`:
/// `append` chunks, call `next()` until nil. Nested aggregates live on an
/// explicit stack, so deep input cannot overflow the call stack.
public struct RESPReplyParser: Sendable {
    public let limits: RESPReplyLimits
    private var queue = ByteQueue()
    private var failure: String?
    /// Open aggregates, innermost last. Invariant: count <= limits.maxDepth.
    private var stack: [Aggregate] = []
    /// A `$`, `=` or `!` header was read; its data is awaited.
    private var pendingBulk: (kind: UInt8, length: Int)?

    private struct Aggregate: Sendable {
        var kind: UInt8
        /// Elements still to read (a map counts keys and values).
        var remaining: Int
        var items: [RESPValue]
    }

    /// A parser with the given limits.
    public init(limits: RESPReplyLimits = RESPReplyLimits()) {
        self.limits = limits
    }

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

    /// The next complete reply or error, or nil when more bytes are needed.
    public mutating func next() -> RESPReplyEvent? {
        if let failure { return .protocolError(failure) }
        while true {
            let value: RESPValue?
            do throws(Failure) {
                if let bulk = pendingBulk {
                    guard queue.count >= bulk.length + 2 else { return nil }
                    value = try readBulkData(kind: bulk.kind, length: bulk.length)
                } else {
                    guard let cr = queue.find(0x0D), cr + 1 < queue.bytes.count else {
                        if queue.count > limits.maxLineBytes { throw Failure("line too long") }
                        return nil
                    }
                    value = try readLine(cr: cr)
                }
            } catch {
                failure = "Protocol error: " + error.why
                queue.reset()
                stack = []
                pendingBulk = nil
                return .protocolError(failure!)
            }
            if let value, let complete = push(value) { return .reply(complete) }
        }
    }

    private struct Failure: Error {
        let why: String
        init(_ why: String) { self.why = why }
    }

    /// Adds a finished value to the open aggregate; returns a finished top-level reply.
    private mutating func push(_ value: RESPValue) -> RESPValue? {
        var finished = value
        while !stack.isEmpty {
            let top = stack.count - 1
            stack[top].items.append(finished)
            stack[top].remaining -= 1
            if stack[top].remaining > 0 { return nil }
            finished = Self.close(stack.removeLast())
        }
        return finished
    }

    private static func close(_ a: Aggregate) -> RESPValue {
        switch a.kind {
        case UInt8(ascii: "%"):
            var pairs: [(RESPValue, RESPValue)] = []
            pairs.reserveCapacity(a.items.count / 2)
            var i = 0
            while i + 1 < a.items.count {
                pairs.append((a.items[i], a.items[i + 1]))
                i += 2
            }
            return .map(pairs)
        case UInt8(ascii: "~"): return .set(a.items)
        case UInt8(ascii: ">"): return .push(a.items)
        default: return .array(a.items)
        }
    }

    /// Reads one line ending at `cr`; returns a value, or nil when it opened an aggregate or a bulk.
    private mutating func readLine(cr: Int) throws(Failure) -> RESPValue? {
        let from = queue.start
        guard cr - from <= limits.maxLineBytes else { throw Failure("line too long") }
        guard queue.bytes[cr + 1] == 0x0A else { throw Failure("expected '\\r\\n'") }
        let type = queue.bytes[from]
        let body = queue.bytes[(from + 1)..<cr]
        defer { queue.consume(upTo: cr + 2) }
        switch type {
        case UInt8(ascii: "+"): return .simpleString(String(decoding: body, as: UTF8.self))
        case UInt8(ascii: "-"): return .error(String(decoding: body, as: UTF8.self))
        case UInt8(ascii: ":"):
            guard let n = RedisInteger.parse(body) else { throw Failure("invalid integer") }
            return .integer(n)
        case UInt8(ascii: "_"):
            guard body.isEmpty else { throw Failure("invalid null") }
            return .null
        case UInt8(ascii: "#"):
            guard body.count == 1, body.first == UInt8(ascii: "t") || body.first == UInt8(ascii: "f") else {
                throw Failure("invalid boolean")
            }
            return .boolean(body.first == UInt8(ascii: "t"))
        case UInt8(ascii: ","):
            guard let d = Double(String(decoding: body, as: UTF8.self)) else { throw Failure("invalid double") }
            return .double(d)
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            let n = try length(from + 1, cr, max: limits.maxBulkBytes, what: "bulk")
            if n < 0 {
                guard type == UInt8(ascii: "$") else { throw Failure("invalid bulk length") }
                return .bulk(nil)
            }
            pendingBulk = (type, n)
            return nil
        case UInt8(ascii: "*"), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            let n = try length(from + 1, cr, max: limits.maxElements, what: "multibulk")
            if n < 0 {
                guard type == UInt8(ascii: "*") else { throw Failure("invalid multibulk length") }
                return .array(nil)
            }
            let elements = type == UInt8(ascii: "%") ? n * 2 : n
            if elements == 0 { return Self.close(Aggregate(kind: type, remaining: 0, items: [])) }
            guard stack.count < limits.maxDepth else { throw Failure("nesting too deep") }
            var items: [RESPValue] = []
            // Never trust the count for an allocation: it may be a lie.
            items.reserveCapacity(min(elements, 1024))
            stack.append(Aggregate(kind: type, remaining: elements, items: items))
            return nil
        default:
            throw Failure("unknown reply type '\(printableByte(type))'")
        }
    }

    /// A length in `bytes[from..<to]`: -1 (null) or 0...max.
    private func length(_ from: Int, _ to: Int, max: Int, what: String) throws(Failure) -> Int {
        guard let n = RedisInteger.parse(queue.bytes[from..<to]), n >= -1, n <= Int64(max) else {
            throw Failure("invalid \(what) length")
        }
        return Int(n)
    }

    private mutating func readBulkData(kind: UInt8, length: Int) throws(Failure) -> RESPValue {
        let from = queue.start
        guard queue.bytes[from + length] == 0x0D, queue.bytes[from + length + 1] == 0x0A else {
            throw Failure("expected '\\r\\n' after bulk string")
        }
        let data = queue.copy(from, from + length)
        queue.consume(upTo: from + length + 2)
        pendingBulk = nil
        switch kind {
        case UInt8(ascii: "="):
            guard data.count >= 4, data[3] == UInt8(ascii: ":") else { throw Failure("invalid verbatim string") }
            return .verbatim(format: String(decoding: data[0..<3], as: UTF8.self), Array(data[4...]))
        case UInt8(ascii: "!"):
            return .error(String(decoding: data, as: UTF8.self))
        default:
            return .bulk(data)
        }
    }
}
