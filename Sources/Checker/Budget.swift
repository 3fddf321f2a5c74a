// How much search a check may spend before it answers `.unknown`.

public struct Budget: Sendable {
    /// Distinct (linearized set, state) pairs explored in one partition.
    public var maxStates: Int
    /// Wall-clock limit for the whole check; nil for none.
    public var maxDuration: Duration?

    public init(maxStates: Int = 2_000_000, maxDuration: Duration? = .seconds(60)) {
        precondition(maxStates > 0)
        self.maxStates = maxStates
        self.maxDuration = maxDuration
    }

    public static let `default` = Budget()
}
