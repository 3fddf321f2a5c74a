// What a check concludes. `.unknown` is never a guess: the budget ran out.

public enum Verdict: Sendable, Equatable {
    case linearizable
    /// `keys` is the smallest offending partition; `operations` its ops in
    /// invoke order, one per line, with the longest linearizable prefix after.
    case notLinearizable(keys: [Bytes], operations: String)
    case unknown(reason: String)

    public var isLinearizable: Bool { self == .linearizable }

    public var isNotLinearizable: Bool {
        if case .notLinearizable = self { return true }
        return false
    }

    public var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }
}
