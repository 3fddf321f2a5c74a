/// What a write does to a key's deadline. Relative times become absolute
/// only when the state machine applies them, at that slot's log time, so
/// every replica computes the same deadline.
public enum ExpiryChange: Sendable, Equatable {
    /// The deadline stays (`KEEPTTL`, `GETEX` without options).
    case keep
    /// No deadline: the key lives until deleted (a plain `SET`, `PERSIST`).
    case clear
    /// Expires this many ms after the log time (`EX`, `PX`, `EXPIRE`); zero or less expires at once.
    case after(ms: Int64)
    /// Expires at this Unix time in ms (`EXAT`, `PXAT`, `EXPIREAT`); at or before the log time expires at once.
    case at(ms: Int64)
}

/// `EXPIRE`'s `NX|XX|GT|LT`: when the new deadline replaces the old one.
/// A key without a deadline counts as living forever, as in Redis. XX may
/// go with GT or LT; the parser refuses the other pairs.
public struct ExpireCondition: OptionSet, Sendable, Equatable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Only when the key has no deadline.
    public static let nx = ExpireCondition(rawValue: 1)
    /// Only when it has one.
    public static let xx = ExpireCondition(rawValue: 2)
    /// Only when the new deadline is later (never for a key without one).
    public static let gt = ExpireCondition(rawValue: 4)
    /// Only when the new deadline is earlier (always for a key without one).
    public static let lt = ExpireCondition(rawValue: 8)
    public static let all: ExpireCondition = [.nx, .xx, .gt, .lt]
}

/// `SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL]` beyond a plain SET.
public struct SetOptions: Sendable, Equatable {
    public var condition: SetCondition
    public var expiry: ExpiryChange
    /// `GET`: reply the old value (or nil) instead of OK, whether or not the condition held.
    public var returnsOld: Bool

    public init(condition: SetCondition = .none, expiry: ExpiryChange = .clear, returnsOld: Bool = false) {
        self.condition = condition
        self.expiry = expiry
        self.returnsOld = returnsOld
    }
}

extension ExpiryChange {
    /// The absolute deadline at log time `nowMs`, saturating: nil for `.keep`
    /// and `.clear`. A result at or before `nowMs` means "already expired".
    func deadline(atLogTime nowMs: UInt64) -> Int64? {
        switch self {
        case .keep, .clear: return nil
        case .at(let ms): return ms
        case .after(let ms):
            let (sum, overflow) = Int64(clamping: nowMs).addingReportingOverflow(ms)
            return overflow ? (ms > 0 ? .max : .min) : sum
        }
    }
}
