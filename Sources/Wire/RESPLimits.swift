/// Bounds on one client request, checked while parsing so a hostile or
/// broken client cannot make the server allocate more than these.
public struct RESPLimits: Sendable, Equatable {
    /// One bulk argument at most (Redis: `proto-max-bulk-len`).
    public var maxBulkBytes: Int
    /// Sum of a request's argument lengths at most.
    public var maxRequestBytes: Int
    /// Arguments in one multibulk request at most (Redis: 1024*1024).
    public var maxArguments: Int
    /// An inline command line, or a `*N`/`$N` header line, at most (Redis: PROTO_INLINE_MAX_SIZE).
    public var maxInlineBytes: Int

    /// Limits with the defaults of DESIGN.md: 4 MiB request, 1,048,576 arguments, 64 KiB inline line.
    public init(
        maxBulkBytes: Int = 4 << 20,
        maxRequestBytes: Int = 4 << 20,
        maxArguments: Int = 1 << 20,
        maxInlineBytes: Int = 64 << 10
    ) {
        precondition(maxBulkBytes >= 0 && maxRequestBytes >= 0, "negative byte limit")
        precondition(maxArguments >= 1 && maxInlineBytes >= 1, "limits must allow something")
        self.maxBulkBytes = maxBulkBytes
        self.maxRequestBytes = maxRequestBytes
        self.maxArguments = maxArguments
        self.maxInlineBytes = maxInlineBytes
    }
}
