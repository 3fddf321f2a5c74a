/// A chart for terminals, in the seeds' dialogue style:
/// `+1.234s  node 2 → node 1: Prepare(8.2) from slot 5`.
public enum TextChart {
    public static func render(_ chart: Chart) -> String {
        var out = ""
        if chart.rows.isEmpty { return "no events in the trace (or none left by the filters)\n" }
        for row in chart.rows {
            switch row {
            case .summary(let counts):
                out += "           ·· " + counts.map { "\($0.count) \($0.name)" }.joined(separator: ", ") + "\n"
            case .event(let i):
                let e = chart.run.events[i]
                let t = time(e.wallMs - chart.startMs)
                switch e.kind {
                case .send:
                    let lost = chart.run.received.contains(i) || chart.oneSided ? "" : "  (never arrived)"
                    out += "\(t)  node \(e.node) → node \(e.peer!): \(e.label)\(lost)\n"
                case .receive:
                    // Shown with its send; only a receive whose send is not in the run gets a line.
                    if chart.run.sendOf[i] == nil { out += "\(t)  node \(e.peer!) → node \(e.node): \(e.label)  (send not traced)\n" }
                case .local:
                    out += "\(t)  node \(e.node): \(e.label)\n"
                }
            }
        }
        return out
    }

    /// `+12.345s`, padded to line up.
    static func time(_ ms: UInt64) -> String {
        let s = "+\(ms / 1000).\(pad3(ms % 1000))s"
        return String(repeating: " ", count: max(0, 9 - s.count)) + s
    }

    static func pad3(_ v: UInt64) -> String {
        let s = String(v)
        return String(repeating: "0", count: 3 - s.count) + s
    }
}
