import PaxosCore
import Simulator
import Testing
@testable import Trace

/// The trace of a fixed simulator seed, drawn: the chart's structure must
/// follow from the trace lines themselves, counted independently here.
@Suite("charts of a simulated run")
struct SimTraceChartTests {
    static func traced(seed: UInt64, nodes: Int = 3) -> (SimCounters, [TraceEvent]) {
        var options = SimOptions.derived(seed: seed, nodes: nodes)
        options.recordsTrace = true
        var sim = Simulation(options: options)
        guard case .success(let counters) = sim.run() else { Issue.record("seed \(seed) failed"); return (SimCounters(), []) }
        return (counters, sim.traceEvents)
    }

    /// Parses an SVG's elements of one class by their opening tags.
    static func elements(_ svg: String, class name: String) -> [String] {
        svg.split(separator: "\n").filter { $0.contains("class=\"\(name)\"") }.map(String.init)
    }

    @Test("seed 7: one lifeline per node, an arrow per message, every election shaded")
    func seedSevenStructure() throws {
        let (counters, events) = Self.traced(seed: 7)
        // Through the file format, as kvctl reads it.
        let lines = events.map(TraceLine.encode)
        let decoded = try lines.map { line throws(TraceFormatError) in try TraceLine.decode(line) }
        #expect(decoded == events)

        var options = ChartOptions()
        options.allRoutine = true
        let chart = Chart(TraceRun(decoded), options: options)
        let svg = SVGChart.render(chart)

        #expect(Self.elements(svg, class: "lifeline").count == 3)
        // Messages in the trace: every receive, and every send no receive names.
        let sends = events.filter { $0.kind == .send }
        let receives = events.filter { $0.kind == .receive }
        let named = Set(receives.compactMap { r in r.sentAt.map { "\(r.peer!)/\($0)" } })
        let unreceived = sends.filter { !named.contains("\($0.node)/\($0.seq)") }
        #expect(sends.count == counters.messages)
        #expect(Self.elements(svg, class: "message").count == receives.count + unreceived.count)
        #expect(Self.elements(svg, class: "message").filter { $0.contains("data-lost=\"true\"") }.count == unreceived.count)
        // Elections: every time a node stood, one shaded span; the won ones as many as leader changes.
        let stood = events.filter { $0.name == "candidate" }.count
        #expect(stood > 0)
        let shaded = Self.elements(svg, class: "election")
        #expect(shaded.count == stood)
        #expect(shaded.filter { $0.contains("data-won=\"true\"") }.count == counters.leaderChanges)
        // Crashes break lifelines; chosen slots are marked.
        #expect(Self.elements(svg, class: "outage").count == events.filter { $0.name == "crash" }.count)
        #expect(Self.elements(svg, class: "chosen").count == events.filter { $0.name == "chosen" }.count)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    }

    @Test("recording a trace leaves the run exactly as it was")
    func tracingChangesNothing() {
        var plain = Simulation(options: SimOptions.derived(seed: 7, nodes: 3))
        _ = plain.run()
        let (traced, events) = Self.traced(seed: 7)
        #expect(plain.counters == traced)
        #expect(plain.traceEvents.isEmpty)
        #expect(!events.isEmpty)
    }

    @Test("the merged order puts every receive after its send and keeps each node's order")
    func causalOrder() {
        let (_, events) = Self.traced(seed: 11, nodes: 5)
        // Shuffled, as files of several nodes concatenate.
        var rng = SystemRandomNumberGenerator()
        let run = TraceRun(events.shuffled(using: &rng))
        #expect(run.events.count == events.count)
        var position: [TraceRun.Key: Int] = [:]
        var lastSeq: [NodeID: UInt64] = [:]
        for (i, e) in run.events.enumerated() {
            position[TraceRun.Key(node: e.node, seq: e.seq)] = i
            #expect(e.seq > lastSeq[e.node, default: 0])
            lastSeq[e.node] = e.seq
            if e.kind == .receive, let at = e.sentAt {
                #expect(position[TraceRun.Key(node: e.peer!, seq: at)] != nil, "receive before its send")
            }
        }
        #expect(run.sendOf.count == events.filter { $0.kind == .receive && $0.sentAt != nil }.count)
    }

    @Test("heartbeats fold into a count between two other events, unless asked for")
    func routineFolds() {
        let (_, events) = Self.traced(seed: 7)
        let run = TraceRun(events)
        let folded = Chart(run)
        var all = ChartOptions()
        all.allRoutine = true
        let full = Chart(run, options: all)
        let routineSends = events.filter { $0.isRoutine && $0.kind == .send }.count
        #expect(routineSends > 0)
        var counted = 0
        for case .summary(let counts) in folded.rows { counted += counts.map(\.count).reduce(0, +) }
        #expect(counted == routineSends)
        #expect(folded.rows.count < full.rows.count)
        #expect(!TextChart.render(folded).contains("Heartbeat(") )
        #expect(TextChart.render(full).contains("Heartbeat("))
    }

    @Test("filters: a time window and a slot range keep only what they name")
    func filters() {
        let (_, events) = Self.traced(seed: 7)
        let run = TraceRun(events)
        var window = ChartOptions()
        window.fromMs = 500
        window.toMs = 1_000
        let start = events.map(\.wallMs).min()!
        let cut = Chart(run, options: window).run.events
        #expect(!cut.isEmpty)
        #expect(cut.allSatisfy { (500...1_000).contains($0.wallMs - start) })
        var slots = ChartOptions()
        slots.slots = 3...4
        let bySlot = Chart(run, options: slots).run.events
        #expect(!bySlot.isEmpty)
        #expect(bySlot.allSatisfy { $0.slots!.overlaps(3...4) })
        #expect(bySlot.contains { $0.name == "Accept" })
    }
}
