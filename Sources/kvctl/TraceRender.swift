import Client
import Posix
import Trace

/// `kvctl trace render`: reads the trace files, merges them and writes the chart.
func runTraceRender(_ options: TraceRenderOptions) throws(KvctlFailure) -> KvctlExitCode {
    var events: [TraceEvent] = []
    for path in options.files {
        let text: String
        do throws(IOError) {
            text = try readTextFile(path)
        } catch {
            throw KvctlFailure(.usage, "cannot read \(path): \(error)")
        }
        let file = TraceLine.decodeAll(text)
        events += file.events
        for (line, reason) in file.skipped { Output.error("\(path):\(line): skipped: \(reason)") }
    }
    guard !events.isEmpty else {
        throw KvctlFailure(.usage, "no trace events in \(options.files.joined(separator: ", ")) (write them with paxosd --trace FILE or paxos-sim --trace-json FILE)")
    }
    var chartOptions = ChartOptions()
    chartOptions.fromMs = options.fromMs
    chartOptions.toMs = options.toMs
    chartOptions.slots = options.slots
    chartOptions.allRoutine = options.allHeartbeats
    let chart = Chart(TraceRun(events), options: chartOptions)
    let rendered = options.effectiveFormat == .svg ? SVGChart.render(chart) : TextChart.render(chart)
    if chart.rows.count > 5_000 {
        Output.error("\(chart.rows.count) rows: narrow the chart with --from/--to or --slots")
    }
    guard let path = options.output else {
        Output.text(rendered)
        return .ok
    }
    do throws(IOError) {
        try Posix.writeTextFile(path, rendered)
    } catch {
        throw KvctlFailure(.usage, "cannot write \(path): \(error)")
    }
    Output.error("wrote \(path): \(chart.nodes.count) nodes, \(chart.arrows.count) messages, \(chart.elections.count) elections, \(chart.rows.count) rows")
    return .ok
}
