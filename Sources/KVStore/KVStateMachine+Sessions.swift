// RID: exactly-once application per (client id, seq).
extension KVStateMachine {
    /// Applies `command` for `clientID` at `seq` at most once:
    /// - a known client retrying its last seq gets the stored first reply, nothing re-applied;
    /// - a known client with a higher seq (gaps allowed) applies and stores the reply;
    /// - a known client with a lower seq gets an error: that reply is gone;
    /// - an unknown client opens a session with seq 1, and gets SESSIONEXPIRED
    ///   with a higher seq (evicted or expired: whether it was applied is unknowable);
    /// - an unknown client whose session was forgotten (a tombstone of its id
    ///   is kept) gets SESSIONEXPIRED at seq 1 too: its seq 1 may be a retry
    ///   of a command already applied. Past the tombstones' bounds (see
    ///   `ForgottenClients`) such a retry is taken for a new client.
    /// A refusal changes nothing: no session, no tombstone refreshed.
    /// Expiry has already run for this log time (`apply` does it first).
    mutating func applyOnce(clientID: [UInt8], seq: UInt64, _ command: KVCommand) -> KVReply {
        guard seq >= 1 else { return .err("RID sequence number must be at least 1") }
        if let session = sessions[clientID] {
            if seq == session.lastSeq {
                sessions.touch(id: clientID, now: clockMs)
                // Our own encoding, stored by us: it always decodes.
                return (try? KVReply(decoding: session.reply)) ?? .err("stored reply unreadable")
            }
            if seq < session.lastSeq {
                return .err("RID sequence number \(seq) is below the last applied \(session.lastSeq)")
            }
        } else if seq != 1 {
            return .sessionExpired
        } else if sessions.wasForgotten(clientID) {
            return .sessionExpired
        }
        let reply = execute(command)
        sessions.record(id: clientID, seq: seq, reply: reply.encoded(), now: clockMs)
        return reply
    }
}
