/// A peer link between two nodes (low < high). The lower id dials the
/// higher one, so one link is one direction of dialing, whatever the order
/// the ids were given in.
public struct LinkID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let low: Int
    public let high: Int

    public init(_ a: Int, _ b: Int) {
        precondition(a != b, "a link joins two different nodes, got \(a) twice")
        low = min(a, b)
        high = max(a, b)
    }

    public static func < (lhs: LinkID, rhs: LinkID) -> Bool {
        (lhs.low, lhs.high) < (rhs.low, rhs.high)
    }

    public var description: String { "\(low)-\(high)" }
}
