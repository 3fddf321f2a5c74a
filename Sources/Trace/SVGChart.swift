import PaxosCore

/// A chart as a standalone SVG: a lifeline per node, an arrow per message
/// coloured by ballot, chosen slots as dots, elections, partitions and
/// outages shaded. Elements carry classes (`lifeline`, `message`, `election`,
/// `chosen`, `partition`, `outage`, `summary`) so tests and pages can find them.
public enum SVGChart {
    static let column = 230
    static let rowHeight = 20
    static let top = 60
    static let left = 90

    public static func render(_ chart: Chart) -> String {
        let width = left + column * max(chart.nodes.count, 1) + 160
        let height = top + rowHeight * (chart.rows.count + 1) + 20
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"monospace\" font-size=\"11\">\n"
        s += "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        if chart.run.events.isEmpty {
            s += "<text x=\"20\" y=\"30\">no events in the trace (or none left by the filters)</text>\n"
        }
        let x = Dictionary(uniqueKeysWithValues: chart.nodes.enumerated().map { ($1, left + column * $0 + column / 2) })
        func y(_ row: Int) -> Int { top + rowHeight * row + rowHeight / 2 }
        let bottom = y(chart.rows.count)

        for p in chart.partitions {
            s += "<rect class=\"partition\" data-node=\"\(p.node)\" x=\"\(x[p.node]! - column / 2 + 4)\" y=\"\(y(p.from))\" width=\"\(column - 8)\" height=\"\(max(y(p.to) - y(p.from), 4))\" fill=\"#f6d7a7\" opacity=\"0.5\"/>\n"
        }
        for e in chart.elections {
            let colour = e.ballot.map(self.colour) ?? "#999"
            s += "<g class=\"election\" data-node=\"\(e.node)\" data-ballot=\"\(e.ballot.map(String.init(describing:)) ?? "")\" data-won=\"\(e.won)\">"
            s += "<rect x=\"\(x[e.node]! - 14)\" y=\"\(y(e.from))\" width=\"28\" height=\"\(max(y(e.to) - y(e.from), 4))\" fill=\"\(colour)\" opacity=\"0.18\"/></g>\n"
        }
        // Lifelines, broken where a node was down.
        let outages = Dictionary(grouping: chart.outages, by: \.node)
        let starts = chart.lifelineStart
        for node in chart.nodes {
            let nx = x[node]!
            s += "<g class=\"lifeline\" data-node=\"\(node)\"><text x=\"\(nx)\" y=\"\(top - 25)\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">node \(node)</text>"
            var from = (starts[node] ?? 0) > 0 ? y(starts[node]!) : top - 15
            for o in outages[node] ?? [] {
                s += line(nx, from, nx, y(o.from), "#444", width: 2)
                from = y(o.to)
            }
            s += line(nx, from, nx, bottom, "#444", width: 2) + "</g>\n"
            for o in outages[node] ?? [] {
                s += "<g class=\"outage\" data-node=\"\(node)\"><text x=\"\(nx + 4)\" y=\"\(y(o.from) + 12)\" fill=\"#b00\">✕ down</text>"
                s += line(nx, y(o.from), nx, y(o.to), "#b00", width: 1, dash: true) + "</g>\n"
            }
        }
        var lastTime: UInt64? = nil
        for (row, r) in chart.rows.enumerated() {
            switch r {
            case .summary(let counts):
                let text = counts.map { "\($0.count) \($0.name)" }.joined(separator: ", ")
                s += "<text class=\"summary\" x=\"\(left)\" y=\"\(y(row) + 4)\" fill=\"#888\">·· \(escape(text))</text>\n"
            case .event(let i):
                let e = chart.run.events[i]
                let t = (e.wallMs - chart.startMs)
                if lastTime != t {
                    s += "<text x=\"8\" y=\"\(y(row) + 4)\" fill=\"#888\">\(TextChart.time(t))</text>\n"
                    lastTime = t
                }
                if e.kind == .local { s += local(e, x: x[e.node]!, y: y(row)) }
            }
        }
        for arrow in chart.arrows {
            s += message(chart, arrow, x: x, y: y)
        }
        return s + "</svg>\n"
    }

    private static func message(_ chart: Chart, _ arrow: (send: Int?, receive: Int?), x: [NodeID: Int], y: (Int) -> Int) -> String {
        let e = chart.run.events[arrow.send ?? arrow.receive!]
        let from = arrow.send.map { chart.run.events[$0].node } ?? e.peer!
        let to = arrow.receive.map { chart.run.events[$0].node } ?? e.peer!
        let x1 = x[from]!, x2 = x[to]!
        // A lost message stops halfway; a receive without its send starts a row above.
        let y1 = arrow.send.map { y(chart.rowOf[$0]!) } ?? y(chart.rowOf[arrow.receive!]!) - 12
        var x2d = x2, y2 = arrow.receive.map { y(chart.rowOf[$0]!) } ?? y1 + 14
        let lost = arrow.receive == nil && !chart.oneSided
        if lost { x2d = (x1 + x2) / 2 }
        let colour = e.ballot.map(self.colour) ?? "#777"
        var s = "<g class=\"message\" data-name=\"\(e.name)\" data-from=\"\(from)\" data-to=\"\(to)\"\(e.ballot.map { " data-ballot=\"\($0)\"" } ?? "")\(lost ? " data-lost=\"true\"" : "")>"
        s += "<title>\(escape("node \(from) → node \(to): \(e.label)"))</title>"
        s += "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2d)\" y2=\"\(y2)\" stroke=\"\(colour)\" stroke-width=\"1.5\" marker-end=\"url(#head)\"/>"
        if lost { s += "<text x=\"\(x2d - 4)\" y=\"\(y2 + 4)\" fill=\"#b00\">✕</text>" }
        let label = e.label.count > 34 ? String(e.label.prefix(33)) + "…" : e.label
        s += "<text x=\"\((x1 + x2d) / 2)\" y=\"\((y1 + y2) / 2 - 3)\" text-anchor=\"middle\" fill=\"\(colour)\" font-size=\"10\">\(escape(label))</text>"
        return s + "</g>\n"
    }

    private static func local(_ e: TraceEvent, x: Int, y: Int) -> String {
        let colour = e.ballot.map(self.colour) ?? "#333"
        let cls = e.name == "chosen" ? "chosen" : "local"
        var s = "<g class=\"\(cls)\" data-node=\"\(e.node)\" data-name=\"\(escape(e.name))\"\(e.slots.map { " data-slots=\"\($0.lowerBound)-\($0.upperBound)\"" } ?? "")>"
        s += "<title>\(escape("node \(e.node): \(e.label)"))</title>"
        if e.name == "chosen" {
            s += "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"5\" fill=\"#2a7\"/>"
            s += "<text x=\"\(x + 8)\" y=\"\(y + 4)\" fill=\"#2a7\">\(escape(e.label))</text>"
        } else {
            let weight = e.name == "leader" || e.name == "candidate" ? " font-weight=\"bold\"" : ""
            s += "<rect x=\"\(x - 5)\" y=\"\(y - 5)\" width=\"10\" height=\"10\" fill=\"\(colour)\"/>"
            s += "<text x=\"\(x + 8)\" y=\"\(y + 4)\" fill=\"\(colour)\"\(weight)>\(escape(e.label))</text>"
        }
        return s + "</g>\n"
    }

    private static func line(_ x1: Int, _ y1: Int, _ x2: Int, _ y2: Int, _ colour: String, width: Int, dash: Bool = false) -> String {
        "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(colour)\" stroke-width=\"\(width)\"\(dash ? " stroke-dasharray=\"4 4\"" : "")/>"
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]

    /// One colour per ballot, the same in every chart.
    public static func colour(_ b: Ballot) -> String {
        palette[Int((b.round &* 31 &+ UInt64(b.node)) % UInt64(palette.count))]
    }

    static func escape(_ text: String) -> String { MarkupText.escape(text) }
}
