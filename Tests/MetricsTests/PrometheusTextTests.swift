import Metrics
import Testing

@Suite("Prometheus text format")
struct PrometheusTextTests {
    @Test("counters, gauges and histograms: HELP and TYPE once each, then the samples")
    func layout() {
        var text = PrometheusText()
        text.counter("paxoskv_commands_total", help: "Commands answered.",
                     [([("command", "set"), ("result", "ok")], 3), ([("command", "get"), ("result", "error")], 1)])
        text.gauge("paxoskv_is_leader", help: "1 on the leader.", 1)
        var h = Histogram(bounds: [0.001, 0.5])
        h.observe(0.5)
        h.observe(0.75)
        text.histogram("paxoskv_fsync_seconds", help: "fdatasync latency.", h)
        #expect(text.text == """
            # HELP paxoskv_commands_total Commands answered.
            # TYPE paxoskv_commands_total counter
            paxoskv_commands_total{command="set",result="ok"} 3
            paxoskv_commands_total{command="get",result="error"} 1
            # HELP paxoskv_is_leader 1 on the leader.
            # TYPE paxoskv_is_leader gauge
            paxoskv_is_leader 1
            # HELP paxoskv_fsync_seconds fdatasync latency.
            # TYPE paxoskv_fsync_seconds histogram
            paxoskv_fsync_seconds_bucket{le="0.001"} 0
            paxoskv_fsync_seconds_bucket{le="0.5"} 1
            paxoskv_fsync_seconds_bucket{le="+Inf"} 2
            paxoskv_fsync_seconds_sum 1.25
            paxoskv_fsync_seconds_count 2

            """)
    }

    @Test("label values escape backslash, quote and newline; HELP escapes backslash and newline")
    func escaping() {
        var text = PrometheusText()
        text.counter("x_total", help: "a \\ b\nc \"d\"", [([("peer", "a\"b\\c\nd")], 1)])
        #expect(text.text == "# HELP x_total a \\\\ b\\nc \"d\"\n# TYPE x_total counter\nx_total{peer=\"a\\\"b\\\\c\\nd\"} 1\n")
    }
}
