import PaxosCore

/// The replicated key-value map with its client sessions. Deterministic:
/// replies and snapshot bytes depend only on the applied commands and their
/// log times, never on a clock, a random seed or a Dictionary's order.
public struct KVStateMachine: StateMachine, Sendable {
    /// How long a client session lives without use, in log time.
    public var sessionTTLms: UInt64 { sessions.ttlMs }
    /// How many client sessions are kept; the least recently used go first.
    public var maxSessions: Int { sessions.countMax }

    var map = HashOrderedMap()
    var sessions: ClientSessions
    /// The highest log time applied so far. Log time comes from the leader's
    /// wall clock and may step back at a leader change; session expiry uses
    /// this high-water mark so time never runs backwards for a session.
    var clockMs: UInt64 = 0
    /// Keys' deadlines (absolute log time, ms), only for keys that have one.
    /// Looked up, never iterated for anything a client or snapshot sees (rule 5).
    var expires: [[UInt8]: UInt64] = [:]
    /// The same deadlines in expiry order (plus stale entries it skips).
    var deadlines = DeadlineHeap()
    /// The last changes of keys, for WATCH.
    var changes = RecentChanges()
    /// Which keyspace notifications to announce (`notify-keyspace-events`).
    /// Node-local: it changes no state and no reply, only what is announced.
    public var notifyFlags: NotifyFlags = []
    /// Announce every key change with its value (for `CHANGES` feeds); node-local too.
    public var announcesChanges = false
    /// What the slot being applied announced (`Notices`), until taken.
    var notices: [UInt8] = []

    /// How many key changes were applied so far: what a WATCH remembers,
    /// and an EXEC compares against (`KVCommand.watchedMulti`).
    public var changeSeq: UInt64 { changes.seq }

    /// Longest value APPEND and SETRANGE may build (their inputs are checked
    /// before the log; what they build only here).
    public let maxValueBytes: Int

    /// An empty store; every node of a cluster must use the same session and value settings.
    public init(sessionTTLms: UInt64 = 3_600_000, maxSessions: Int = 100_000, maxValueBytes: Int = 1 << 20) {
        precondition(maxValueBytes >= 1, "values need a positive limit")
        sessions = ClientSessions(ttlMs: sessionTTLms, countMax: maxSessions)
        self.maxValueBytes = maxValueBytes
    }

    /// Number of keys.
    public var count: Int { map.count }

    /// Number of live client sessions.
    public var sessionCount: Int { sessions.count }

    /// Number of forgotten sessions remembered (tombstones), at most 4 x `maxSessions`.
    public var forgottenSessionCount: Int { sessions.forgotten.count }

    /// The value stored at `key`, if any.
    public func value(forKey key: [UInt8]) -> [UInt8]? { map.value(for: key) }

    /// Applies an encoded `KVCommand` from a chosen slot; returns the encoded `KVReply`.
    /// An undecodable payload changes nothing and replies an error.
    public mutating func apply(_ payload: [UInt8], logTimeMs: UInt64) -> [UInt8] {
        let command: KVCommand
        do {
            command = try KVCommand(decoding: payload)
        } catch {
            advanceClock(to: logTimeMs)
            return KVReply.err("malformed command: \(error)").encoded()
        }
        return apply(command, logTimeMs: logTimeMs).encoded()
    }

    /// Applies one command at `logTimeMs` and returns its reply.
    public mutating func apply(_ command: KVCommand, logTimeMs: UInt64) -> KVReply {
        advanceClock(to: logTimeMs)
        switch command {
        case let .rid(clientID, seq, inner):
            return applyOnce(clientID: clientID, seq: seq, inner)
        default:
            return execute(command)
        }
    }

    /// Answers an encoded read-only `KVCommand`; returns the encoded `KVReply`.
    public func query(_ payload: [UInt8]) -> [UInt8] {
        do {
            return query(try KVCommand(decoding: payload)).encoded()
        } catch {
            return KVReply.err("malformed command: \(error)").encoded()
        }
    }

    /// As `query(_:)`, at applied slot `appliedIndex`: `SNAPSHOT` answers
    /// `[slot, keys, state]` with the state as `snapshot()` serializes it.
    public func query(_ payload: [UInt8], appliedIndex: Slot) -> [UInt8] {
        guard KVCommand.isSnapshot(payload) else { return query(payload) }
        return KVReply.array([.integer(Int64(appliedIndex)), .integer(Int64(map.count)), .bulk(snapshot())]).encoded()
    }

    /// Answers a read-only command; a write gets an error (it must go through the log).
    public func query(_ command: KVCommand) -> KVReply {
        guard command.isReadOnly else { return .err("write command cannot be answered as a read") }
        return read(command)
    }

    /// Moves log time forward (never back), expires idle sessions and
    /// deletes the keys whose deadline it reached.
    mutating func advanceClock(to logTimeMs: UInt64) {
        guard logTimeMs > clockMs else { return }
        clockMs = logTimeMs
        sessions.expire(now: clockMs)
        expireDue()
    }
}
