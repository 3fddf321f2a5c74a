/// kvctl's exit statuses (DESIGN.md Part 1, `kvctl`).
public enum KvctlExitCode: Int32, Sendable {
    case ok = 0
    /// `get` found no value, or `cas` found another value.
    case notFound = 1
    /// Bad arguments, a bad config, or a request the server refused as wrong.
    case usage = 2
    /// No answer from the cluster, or a write whose outcome is unknown.
    case unavailable = 3
}

/// A run that ends without doing its job: printed as `kvctl: <message>`.
public struct KvctlFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var exitCode: KvctlExitCode
    public var message: String

    public init(_ exitCode: KvctlExitCode, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    public var description: String { "kvctl: \(message)" }

    /// A write that was certainly not applied (NOQUORUM, or never sent).
    public static func notApplied(_ cause: String) -> KvctlFailure {
        KvctlFailure(.unavailable, "cluster unavailable: the write was not applied (\(cause))")
    }

    /// A write that was sent and may still be chosen: never call it failed.
    public static func outcomeUnknown(_ cause: String) -> KvctlFailure {
        KvctlFailure(.unavailable, "outcome unknown: the write may or may not have been applied (\(cause))")
    }

    /// A read no node answered in time; reads change nothing, so no doubt.
    public static func readUnavailable(_ cause: String) -> KvctlFailure {
        KvctlFailure(.unavailable, "cluster unavailable: the read got no answer (\(cause))")
    }

    /// The server forgot this process's RID session: whether earlier writes
    /// applied is unknowable, so the caller must check by reading.
    public static func sessionExpired(_ cause: String) -> KvctlFailure {
        KvctlFailure(.unavailable,
                     "outcome unknown: the server expired this client's session, so the write may or may not have been applied (\(cause))")
    }
}
