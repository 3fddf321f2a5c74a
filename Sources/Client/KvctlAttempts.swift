/// What the failed attempts of one request add up to: the last cause, and
/// whether any attempt may have applied a write (then the outcome stays
/// unknown whatever later attempts say).
struct KvctlAttempts {
    let endpointCount: Int
    private(set) var failures = 0
    private(set) var lastCause = "no attempt was made before the deadline"
    /// The cause that made a write's outcome unknown, if any did.
    private(set) var uncertainCause: String?
    private var pausedAtFailures = 0
    /// The last failure past connecting (a server's answer, a timeout):
    /// says more than the connect failures that may follow it.
    private(set) var lastAnswer: String?

    init(endpointCount: Int) {
        precondition(endpointCount > 0)
        self.endpointCount = endpointCount
    }

    /// Some server answered and every answer so far says "not applied".
    var hasOnlyDefiniteAnswers: Bool { lastAnswer != nil && uncertainCause == nil }

    mutating func record(cause: String, mayHaveApplied: Bool, connectFailed: Bool = false) {
        failures += 1
        if !connectFailed { lastAnswer = cause }
        lastCause = cause
        if mayHaveApplied { uncertainCause = cause }
    }

    /// After every round over all endpoints, pause once before the next
    /// round rather than spin on nodes that are down.
    var shouldPause: Bool {
        mutating get {
            guard failures > 0, failures % endpointCount == 0, pausedAtFailures != failures else { return false }
            pausedAtFailures = failures
            return true
        }
    }

    func finalFailure(isWrite: Bool, timeoutSeconds: Double) -> KvctlFailure {
        let after = "gave up after \(KvctlFormat.seconds(timeoutSeconds))"
        let last = lastAnswer ?? (failures > 0 ? "no node reachable, last: \(lastCause)" : lastCause)
        guard isWrite else { return .readUnavailable("\(last); \(after)") }
        guard let uncertainCause else { return .notApplied("\(last); \(after)") }
        let lastTry = uncertainCause == last ? "" : "; last try: \(last)"
        return .outcomeUnknown("\(uncertainCause)\(lastTry); \(after)")
    }
}

/// An error reply's code: the first word, as Redis clients read it.
enum KvctlErrorReply: Equatable {
    case noQuorum, timeout, sessionExpired, noAuth, other

    init(_ message: String) {
        switch message.prefix(while: { $0 != " " }) {
        case "NOQUORUM": self = .noQuorum
        case "TIMEOUT": self = .timeout
        case "SESSIONEXPIRED": self = .sessionExpired
        case "NOAUTH": self = .noAuth
        default: self = .other
        }
    }
}
