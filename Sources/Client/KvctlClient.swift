import Config
import Glibc
import Posix
import Wire

/// kvctl's connection to the cluster: tries the endpoints in turn, moving
/// on when one refuses, drops the connection, times out or answers
/// -NOQUORUM/-TIMEOUT, until the overall deadline. Writes go through
/// `RID client-id seq ...`; every retry of one write reuses its seq, and a
/// seq is never used for another command, so a retry applies at most once.
/// One thread at a time.
public final class KvctlClient {
    public let endpoints: [HostPort]
    private let password: String?
    private let timeoutSeconds: Double
    /// Bounds one attempt, so a paused node costs only part of the deadline.
    private let attemptSeconds: Double
    /// A write that so far got only definite "not applied" answers is not
    /// resent with less time left than this: our own deadline cutting the
    /// resend short would turn "not applied" into "outcome unknown".
    private let writeRetryFloorSeconds: Double
    private var index: Int
    private var connection: RESPClient?
    public private(set) var clientID: [UInt8]
    /// The seq of the next write. Invariant: above every seq sent with `clientID`.
    private var nextSeq: UInt64 = 1

    public init(endpoints: [HostPort], password: String?, timeoutSeconds: Double,
                attemptSeconds: Double, writeRetryFloorSeconds: Double = 0, startIndex: Int,
                clientID: [UInt8] = KvctlClientID.make()) {
        precondition(!endpoints.isEmpty)
        precondition(timeoutSeconds > 0 && attemptSeconds > 0)
        self.endpoints = endpoints
        self.password = password
        self.timeoutSeconds = timeoutSeconds
        self.attemptSeconds = attemptSeconds
        self.writeRetryFloorSeconds = writeRetryFloorSeconds
        self.index = startIndex % endpoints.count
        self.clientID = clientID
    }

    /// The endpoint the next attempt goes to.
    public var currentEndpoint: HostPort { endpoints[index] }

    /// Runs a command that changes nothing; any failure is retried.
    public func read(_ command: [[UInt8]]) throws(KvctlFailure) -> RESPValue {
        try perform(command, isWrite: false)
    }

    /// Runs a member change (MEMBER ADD/REMOVE) as a write without RID:
    /// the change is not a state machine command. A retry after an unknown
    /// outcome may find it done ("already a member", "not a member").
    public func memberChange(_ command: [[UInt8]]) throws(KvctlFailure) -> RESPValue {
        try perform(command, isWrite: true)
    }

    /// Runs a write as `RID clientID seq command...`.
    public func write(_ command: [[UInt8]]) throws(KvctlFailure) -> RESPValue {
        let seq = nextSeq
        nextSeq += 1
        let wrapped = [Array("RID".utf8), clientID, Array(String(seq).utf8)] + command
        do {
            return try perform(wrapped, isWrite: true)
        } catch {
            // The session may not exist on the servers now (seq 1 never
            // applied), and a higher seq on an unknown session is
            // SESSIONEXPIRED: later writes start a fresh one.
            clientID = KvctlClientID.make()
            nextSeq = 1
            throw error
        }
    }

    public func close() {
        connection?.close()
        connection = nil
    }

    private func perform(_ command: [[UInt8]], isWrite: Bool) throws(KvctlFailure) -> RESPValue {
        let deadline = SystemClock.monotonicMs() + UInt64(timeoutSeconds * 1_000)
        var attempts = KvctlAttempts(endpointCount: endpoints.count)
        while let remainingMs = remaining(until: deadline) {
            if attempts.shouldPause {
                sleepMs(min(200, remainingMs))
                continue
            }
            let client: RESPClient
            do {
                client = try connected(timeoutSeconds: min(Double(remainingMs) / 1_000, attemptSeconds))
            } catch {
                failed(&attempts, cause: "\(error)", mayHaveApplied: false, connectFailed: true)
                continue
            }
            if isWrite && attempts.hasOnlyDefiniteAnswers && Double(remainingMs) / 1_000 < writeRetryFloorSeconds {
                break
            }
            let reply: RESPValue
            do {
                reply = try client.call(command)
            } catch {
                // The request may have reached the server: for a write the outcome is unknown.
                failed(&attempts, cause: "\(error)", mayHaveApplied: isWrite)
                continue
            }
            guard case .error(let message) = reply else { return reply }
            switch KvctlErrorReply(message) {
            case .noQuorum:
                failed(&attempts, cause: message, mayHaveApplied: false)
            case .timeout:
                failed(&attempts, cause: message, mayHaveApplied: isWrite)
            case .sessionExpired:
                throw .sessionExpired(message)
            case .noAuth:
                throw KvctlFailure(.usage, "the cluster requires a password: set 'password' in the config or PAXOSKV_PASSWORD (\(message))")
            case .other:
                throw KvctlFailure(.usage, "the server refused the request: \(message)")
            }
        }
        throw attempts.finalFailure(isWrite: isWrite, timeoutSeconds: timeoutSeconds)
    }

    private func failed(_ attempts: inout KvctlAttempts, cause: String, mayHaveApplied: Bool, connectFailed: Bool = false) {
        close()
        index = (index + 1) % endpoints.count
        attempts.record(cause: cause, mayHaveApplied: mayHaveApplied, connectFailed: connectFailed)
    }

    /// The open connection, or a new one to the current endpoint (with AUTH).
    private func connected(timeoutSeconds: Double) throws(RESPClientError) -> RESPClient {
        if let connection { return connection }
        let endpoint = endpoints[index]
        let client = try RESPClient(host: endpoint.host, port: endpoint.port, timeoutSeconds: max(timeoutSeconds, 0.001))
        if let password {
            // A failed AUTH is no outage: it surfaces as NOAUTH on the command.
            _ = try client.call([Array("AUTH".utf8), Array(password.utf8)])
        }
        connection = client
        return client
    }

    private func remaining(until deadline: UInt64) -> UInt64? {
        let now = SystemClock.monotonicMs()
        return now < deadline ? deadline - now : nil
    }
}

func sleepMs(_ ms: UInt64) {
    var request = timespec(tv_sec: Int(ms / 1_000), tv_nsec: Int(ms % 1_000) * 1_000_000)
    var left = timespec()
    while nanosleep(&request, &left) != 0 && errno == EINTR { request = left }
}
