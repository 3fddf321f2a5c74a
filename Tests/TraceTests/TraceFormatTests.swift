import PaxosCore
import Testing
@testable import Trace

@Suite("trace lines and vector clocks")
struct TraceFormatTests {
    @Test("a receive merges the sender's stamp, then counts itself")
    func vectorClockMerge() {
        var a = TraceRecorder(node: 1)
        var b = TraceRecorder(node: 2)
        _ = a.local(EventSummary(name: "start", label: "starts"), wallMs: 1, monoMs: 1)
        let (sent, stamp) = a.send(.prepare(ballot: Ballot(round: 8, node: 1), fromSlot: 5), to: 2, wallMs: 2, monoMs: 2)
        #expect(sent.clock == VectorClock([1: 2]))
        let got = b.receive(.prepare(ballot: Ballot(round: 8, node: 1), fromSlot: 5), from: 1, stamp: stamp, wallMs: 3, monoMs: 3)
        #expect(got.clock == VectorClock([1: 2, 2: 1]))
        #expect(got.sentAt == 2)
        #expect(got.label == "Prepare(8.1) from slot 5")
        // Without a stamp (the sender does not trace) only the own count moves.
        let alone = b.receive(.alive, from: 3, stamp: nil, wallMs: 4, monoMs: 4)
        #expect(alone.clock == VectorClock([1: 2, 2: 2]))
        #expect(alone.sentAt == nil)
    }

    @Test("the line starts with host, clock and event, as the README's ShiViz regex expects")
    func shivizShape() throws {
        var a = TraceRecorder(node: 3)
        let v = Value.batch(timeMs: 9, requests: [Request(id: RequestID(origin: 1, serial: 2), payload: Array("x\"y".utf8))])
        let (e, _) = a.send(.accept(ballot: Ballot(round: 2, node: 3), slot: 7, value: v, commit: 6), to: 1, wallMs: 10, monoMs: 4)
        let line = TraceLine.encode(e)
        #expect(line.hasPrefix("{\"host\":\"n3\",\"clock\":{\"n3\":1},\"event\":\"send Accept(2.3) slot 7 1 command #"))
        #expect(try TraceLine.decode(line) == e)
        #expect(e.digest == EventSummary.digest([v]))
        #expect(e.digest != EventSummary.digest([.noop]))
        #expect(e.slots == 7...7)
    }

    @Test("malformed lines are refused with the reason", arguments: [
        ("not json", "not JSON"),
        ("{\"clock\":{\"n1\":1},}", "not JSON"),
        ("{\"clock\":{\"n1\":1}", "not JSON"),
        ("{\"clock\":{\"n1\":1}} trailing", "not JSON"),
        ("{\"clock\":[1],\"kind\":\"local\"}", "field \"clock\" has the wrong type"),
        ("{\"clock\":{\"n1\":99999999999999999999}}", "number too large"),
        ("{\"clock\":{\"n1\":1},\"kind\":\"send\",\"node\":1,\"name\":\"x\",\"label\":\"x\",\"wall_ms\":1,\"mono_ms\":1}", "a send needs a peer 1...255"),
        ("{\"clock\":{\"n2\":1},\"kind\":\"local\",\"node\":1,\"name\":\"x\",\"label\":\"x\",\"wall_ms\":1,\"mono_ms\":1}", "the clock does not count node 1's own event"),
        ("{\"clock\":{\"n1\":1},\"kind\":\"local\",\"node\":1,\"name\":\"x\",\"label\":\"x\",\"wall_ms\":1}", "missing field \"mono_ms\""),
        ("{\"clock\":{\"n1\":1},\"kind\":\"wave\",\"node\":1,\"name\":\"x\",\"label\":\"x\",\"wall_ms\":1,\"mono_ms\":1}", "unknown kind \"wave\""),
        ("{\"clock\":{\"n1\":1},\"kind\":\"local\",\"node\":1,\"name\":\"x\",\"label\":\"x\",\"ballot\":\"7\",\"wall_ms\":1,\"mono_ms\":1}", "ballot \"7\""),
        ("{\"clock\":{\"x1\":1},\"kind\":\"local\",\"node\":1,\"name\":\"x\",\"label\":\"x\",\"wall_ms\":1,\"mono_ms\":1}", "clock entry \"x1\": 1"),
    ])
    func malformed(line: String, reason: String) {
        #expect(throws: TraceFormatError.malformed(reason)) { try TraceLine.decode(line) }
    }

    @Test("a receive whose send is missing still draws, as a stub; a lost send stops halfway")
    func partialMessages() {
        var a = TraceRecorder(node: 1)
        var b = TraceRecorder(node: 2)
        let (lost, _) = a.send(.election, to: 2, wallMs: 1, monoMs: 1)
        let (_, stamp) = a.send(.alive, to: 2, wallMs: 2, monoMs: 2)
        let got = b.receive(.alive, from: 1, stamp: stamp, wallMs: 3, monoMs: 3)
        // The second send is not in the files given.
        let chart = Chart(TraceRun([lost, got]))
        #expect(chart.arrows.count == 2)
        let svg = SVGChart.render(chart)
        #expect(svg.contains("data-lost=\"true\""))
        let text = TextChart.render(chart)
        #expect(text.contains("node 1 → node 2: ELECTION  (never arrived)"))
        #expect(text.contains("node 1 → node 2: ALIVE  (send not traced)"))
    }
}
