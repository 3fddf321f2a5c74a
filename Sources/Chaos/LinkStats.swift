/// What the hub did with one link's connections, counted since `addLink`.
public struct LinkStats: Sendable, Equatable {
    /// Connections accepted while the link was up and forwarded (a connect to
    /// the target was started), including those whose connect then failed.
    public var accepted: Int
    /// Connections accepted while the link was cut and closed at once.
    public var refused: Int
    /// Forwarded connections that `setCut(true)` closed.
    public var closedByCut: Int
    /// Bytes sent on, both directions together.
    public var bytesForwarded: UInt64
    /// Forwarded connections whose connect to the target failed (target down).
    public var connectFailed: Int
    /// Forwarded connections open now (connecting or connected).
    public var open: Int

    public init(accepted: Int = 0, refused: Int = 0, closedByCut: Int = 0, bytesForwarded: UInt64 = 0,
                connectFailed: Int = 0, open: Int = 0) {
        self.accepted = accepted
        self.refused = refused
        self.closedByCut = closedByCut
        self.bytesForwarded = bytesForwarded
        self.connectFailed = connectFailed
        self.open = open
    }
}
