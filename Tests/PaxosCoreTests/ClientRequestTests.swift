import PaxosCore
import Simulator
import Testing

@Suite("Client requests")
struct ClientRequestTests {
    @Test("a follower with no leader answers -NOQUORUM after two election timeouts")
    func noLeaderNoQuorum() {
        var h = Harness(id: 1)
        let rid = RequestID(origin: 1, serial: 1)
        h.step(.submit(write(1)))
        var reply: ClientReply? = nil
        for _ in 0..<100 where reply == nil {
            reply = h.tick(advanceMs: 10).replies.first { $0.0 == rid }?.1
        }
        guard case .noQuorum = reply else {
            Issue.record("expected -NOQUORUM, got \(String(describing: reply))")
            return
        }
    }

    @Test("a write handed to the leader can only end in a result or -TIMEOUT")
    func handedOffTimesOut() {
        var h = Harness(id: 1) { $0.requestTimeoutMs = 500 }
        h.receive(.heartbeat(ballot: ballot(1, 3), commit: 0, seq: 1), from: 3)
        h.persistAll()
        let out = h.step(.submit(write(1)))
        #expect(out.messages(to: 3).contains { if case .forward = $0 { return true } else { return false } })
        var reply: ClientReply? = nil
        for _ in 0..<100 where reply == nil {
            h.receive(.heartbeat(ballot: ballot(1, 3), commit: 0, seq: 2), from: 3)
            reply = h.tick(advanceMs: 10).replies.first?.1
        }
        guard case .timeout = reply else {
            Issue.record("expected -TIMEOUT, got \(String(describing: reply))")
            return
        }
    }

    @Test("a duplicated rejection does not undo a later hand-off")
    func duplicateRejectionIgnored() {
        var h = Harness(id: 1)
        h.receive(.heartbeat(ballot: ballot(1, 3), commit: 0, seq: 1), from: 3)
        h.persistAll()
        let rid = RequestID(origin: 1, serial: 1)
        h.step(.submit(write(1)))
        h.receive(.forwardRejected(rid), from: 3)
        // A new leader appears; the request is handed to it.
        let out = h.receive(.heartbeat(ballot: ballot(2, 2), commit: 0, seq: 1), from: 2)
        #expect(out.messages(to: 2).contains { if case .forward = $0 { return true } else { return false } })
        // The old rejection arrives again: nothing is re-sent.
        let dup = h.receive(.forwardRejected(rid), from: 3)
        #expect(dup.messages.isEmpty)
        let later = h.tick()
        #expect(!later.messages.contains { if case .forward = $0.message { return true } else { return false } })
    }

    @Test("a forward that never left the node is parked again, then handed to the next leader")
    func undeliverableForwardIsParked() {
        var h = Harness(id: 1)
        h.receive(.heartbeat(ballot: ballot(1, 3), commit: 0, seq: 1), from: 3)
        h.persistAll()
        let request = write(1)
        let out = h.step(.submit(request))
        #expect(out.messages(to: 3).contains(.forward(request)))
        // The runtime could not send it: node 3's connection is down.
        h.step(.undeliverable(Envelope(from: 1, to: 3, message: .forward(request))))
        let handed = h.receive(.heartbeat(ballot: ballot(2, 2), commit: 0, seq: 1), from: 2)
        #expect(handed.messages(to: 2).contains(.forward(request)))
    }
}
