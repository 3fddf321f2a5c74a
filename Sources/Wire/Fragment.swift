/// A logical peer message travels as one or more frames; each frame's
/// payload is `messageID u64 | index u32 | flags u8 | data`, flag bit 0 =
/// last fragment. So a promise with thousands of slots, a catch-up batch or a
/// snapshot larger than the frame limit still gets through, and the receiver
/// never has to accept a frame larger than the limit.
public enum Fragment {
    /// Bytes of the fragment header inside each frame payload.
    public static let headerBytes = 13
    static let lastFlag: UInt8 = 1
}

/// Splits logical messages into frames. One per connection: message ids
/// count up from 1 on it.
public struct FragmentWriter: Sendable {
    /// Largest frame payload written: the receiver's frame limit.
    public let maxFramePayloadBytes: Int
    private var nextMessageID: UInt64 = 1

    /// A writer whose frames fit a receiver with frame limit `maxFramePayloadBytes`.
    public init(maxFramePayloadBytes: Int = Frame.defaultMaxPayloadBytes) {
        precondition(maxFramePayloadBytes > Fragment.headerBytes, "frame limit leaves no room for data")
        self.maxFramePayloadBytes = maxFramePayloadBytes
    }

    /// Appends `message` as frames to `out`; returns how many frames.
    @discardableResult
    public mutating func append(message: [UInt8], to out: inout [UInt8]) -> Int {
        let id = nextMessageID
        nextMessageID &+= 1
        let chunk = maxFramePayloadBytes - Fragment.headerBytes
        var payload: [UInt8] = []
        payload.reserveCapacity(min(message.count, chunk) + Fragment.headerBytes)
        var offset = 0
        var index: UInt32 = 0
        repeat {
            let end = min(message.count, offset + chunk)
            payload.removeAll(keepingCapacity: true)
            withUnsafeBytes(of: id.littleEndian) { payload.append(contentsOf: $0) }
            withUnsafeBytes(of: index.littleEndian) { payload.append(contentsOf: $0) }
            payload.append(end == message.count ? Fragment.lastFlag : 0)
            payload.append(contentsOf: message[offset..<end])
            assert(payload.count <= maxFramePayloadBytes)
            Frame.append(payload: payload, to: &out)
            offset = end
            index += 1
        } while offset < message.count
        return Int(index)
    }
}

/// Reassembles logical messages from frame payloads, holding at most
/// `maxBufferedBytes` of unfinished messages and `maxPartialMessages` of them
/// at once, so a peer cannot make us buffer without bound.
public struct FragmentReassembler: Sendable {
    /// Bytes of unfinished messages held at most (default 256 MiB).
    public let maxBufferedBytes: Int
    /// Unfinished messages at once at most (they may interleave).
    public let maxPartialMessages: Int
    private var partials: [UInt64: Partial] = [:]
    /// Invariant: the sum of `partials`' data counts, <= maxBufferedBytes.
    private var bufferedBytes = 0

    private struct Partial: Sendable {
        var nextIndex: UInt32
        var data: [UInt8]
    }

    /// A reassembler with the given memory bounds.
    public init(maxBufferedBytes: Int = 256 << 20, maxPartialMessages: Int = 16) {
        precondition(maxBufferedBytes > 0 && maxPartialMessages > 0, "bounds must be positive")
        self.maxBufferedBytes = maxBufferedBytes
        self.maxPartialMessages = maxPartialMessages
    }

    /// Takes one frame payload; returns a message when this fragment completes one.
    public mutating func accept(_ frame: [UInt8]) throws(WireError) -> [UInt8]? {
        guard frame.count >= Fragment.headerBytes else { throw .badFragment("\(frame.count) bytes, shorter than its header") }
        var id: UInt64 = 0
        for k in 0..<8 { id |= UInt64(frame[k]) << (8 * UInt64(k)) }
        var index: UInt32 = 0
        for k in 0..<4 { index |= UInt32(frame[8 + k]) << (8 * UInt32(k)) }
        let flags = frame[12]
        guard flags & ~Fragment.lastFlag == 0 else { throw .badFragment("unknown flags 0x\(String(flags, radix: 16))") }
        let isLast = flags & Fragment.lastFlag != 0
        let data = frame[Fragment.headerBytes...]

        if index == 0 {
            guard partials[id] == nil else { throw .badFragment("message \(id) started twice") }
            if isLast { return Array(data) }
            guard partials.count < maxPartialMessages else { throw .badFragment("over \(maxPartialMessages) unfinished messages") }
            try reserve(data.count)
            partials[id] = Partial(nextIndex: 1, data: Array(data))
            return nil
        }
        guard var partial = partials.removeValue(forKey: id) else { throw .badFragment("fragment \(index) of unknown message \(id)") }
        guard partial.nextIndex == index else {
            throw .badFragment("message \(id): fragment \(index) where \(partial.nextIndex) was due")
        }
        try reserve(data.count)
        bufferedBytes -= partial.data.count
        partial.data.append(contentsOf: data)
        if isLast { return partial.data }
        bufferedBytes += partial.data.count
        partial.nextIndex += 1
        partials[id] = partial
        return nil
    }

    private func reserve(_ more: Int) throws(WireError) {
        guard more <= maxBufferedBytes - bufferedBytes else {
            throw .reassemblyTooLarge(bytes: bufferedBytes + more, limit: maxBufferedBytes)
        }
    }
}

/// A peer connection's receive side: frames, then reassembly. `append`
/// received bytes, call `next()` until nil; any error means close the connection.
public struct PeerStreamDecoder: Sendable {
    private var frames: FrameDecoder
    private var reassembler: FragmentReassembler
    private var failure: WireError?

    /// A decoder with the frame limit and reassembly bound of this node.
    public init(maxFramePayloadBytes: Int = Frame.defaultMaxPayloadBytes, maxBufferedBytes: Int = 256 << 20) {
        frames = FrameDecoder(maxPayloadBytes: maxFramePayloadBytes)
        reassembler = FragmentReassembler(maxBufferedBytes: maxBufferedBytes)
    }

    /// Adds received bytes.
    public mutating func append(_ chunk: UnsafeRawBufferPointer) { frames.append(chunk) }

    /// Adds received bytes.
    public mutating func append<S: Sequence>(contentsOf chunk: S) where S.Element == UInt8 {
        frames.append(contentsOf: chunk)
    }

    /// The next complete logical message, nil when more bytes are needed.
    /// After an error it keeps throwing it.
    public mutating func next() throws(WireError) -> [UInt8]? {
        if let failure { throw failure }
        do {
            while let frame = try frames.next() {
                if let message = try reassembler.accept(frame) { return message }
            }
            return nil
        } catch {
            failure = error
            throw error
        }
    }
}
