import Trace

/// `GET /` on the metrics port: one page that shows this node's view of the
/// cluster and redraws itself every second from `/live/status` (an HTML
/// fragment) and `/live/flow.svg` (the last seconds of message flow, the
/// same chart `kvctl trace render` draws). No external assets.
public enum LivePage {
    public struct Member: Sendable, Equatable {
        public var id: Int
        public var role: String
        /// Nil for this node itself.
        public var connected: Bool?
        public var applied: UInt64?

        public init(id: Int, role: String, connected: Bool?, applied: UInt64?) {
            self.id = id
            self.role = role
            self.connected = connected
            self.applied = applied
        }
    }

    public struct Status: Sendable {
        public var cluster: String
        public var node: Int
        public var role: String
        public var leader: Int
        public var ballot: String
        public var promised: String
        public var commit: UInt64
        public var applied: UInt64
        public var members: [Member]
        /// Milliseconds ago and what happened, newest last.
        public var recentChanges: [(agoMs: UInt64, text: String)]
        public var elections: UInt64
        public var leaderChanges: UInt64
        public var fsyncCount: UInt64
        public var fsyncP50: Double?
        public var fsyncP99: Double?

        public init(cluster: String, node: Int, role: String, leader: Int, ballot: String, promised: String, commit: UInt64,
                    applied: UInt64, members: [Member], recentChanges: [(agoMs: UInt64, text: String)], elections: UInt64,
                    leaderChanges: UInt64, fsyncCount: UInt64, fsyncP50: Double?, fsyncP99: Double?) {
            self.cluster = cluster
            self.node = node
            self.role = role
            self.leader = leader
            self.ballot = ballot
            self.promised = promised
            self.commit = commit
            self.applied = applied
            self.members = members
            self.recentChanges = recentChanges
            self.elections = elections
            self.leaderChanges = leaderChanges
            self.fsyncCount = fsyncCount
            self.fsyncP50 = fsyncP50
            self.fsyncP99 = fsyncP99
        }
    }

    public static func page(_ status: Status, flowSeconds: Int) -> String {
        """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>PaxosKV \(escape(status.cluster)) · node \(status.node)</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
        table { border-collapse: collapse; margin: .5em 0 1em; }
        td, th { border: 1px solid #ccc; padding: .25em .7em; text-align: left; }
        th { background: #f3f3f3; }
        .leader { font-weight: bold; color: #1f6f3f; }
        .down { color: #b00; }
        #error { color: #b00; }
        .changes li { font-family: monospace; }
        #flow { max-height: 70vh; overflow-y: auto; border: 1px solid #ddd; display: inline-block; }
        </style></head>
        <body>
        <h1>PaxosKV cluster “\(escape(status.cluster))”, as node \(status.node) sees it</h1>
        <div id="error"></div>
        <div id="status">\(fragment(status))</div>
        <h2>Message flow, last \(flowSeconds) s, sent and received by node \(status.node)</h2>
        <p>Arrows are coloured by ballot; green dots are chosen slots; shaded bars are elections. Heartbeats between other events are counted, not drawn.</p>
        <div id="flow"></div>
        <script>
        async function refresh() {
          try {
            const [status, flow] = await Promise.all([fetch('/live/status'), fetch('/live/flow.svg')]);
            document.getElementById('status').innerHTML = await status.text();
            const box = document.getElementById('flow');
            // Newest at the bottom: keep it in view unless the reader scrolled up.
            const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 30;
            box.innerHTML = await flow.text();
            if (atEnd) box.scrollTop = box.scrollHeight;
            document.getElementById('error').textContent = '';
          } catch (e) {
            document.getElementById('error').textContent = 'node \(status.node) is not answering (' + e + '); retrying';
          }
        }
        refresh();
        setInterval(refresh, 1000);
        </script>
        </body></html>

        """
    }

    /// The part of the page that refreshes: members, this node's state, recent changes, fsync latency.
    public static func fragment(_ s: Status) -> String {
        var h = "<table><tr><th>node</th><th>role</th><th>link</th><th>applied</th></tr>"
        for m in s.members {
            let cls = m.role == "leader" ? " class=\"leader\"" : ""
            let link = m.connected.map { $0 ? "up" : "<span class=\"down\">down</span>" } ?? "this node"
            h += "<tr\(cls)><td>node \(m.id)</td><td>\(escape(m.role))</td><td>\(link)</td><td>\(m.applied.map(String.init) ?? "?")</td></tr>"
        }
        h += "</table>"
        h += "<p>node \(s.node): <b>\(escape(s.role))</b>, leader \(s.leader == 0 ? "unknown" : "node \(s.leader)"), "
        h += "ballot \(escape(s.ballot)), promised \(escape(s.promised)), commit \(s.commit), applied \(s.applied); "
        h += "\(s.elections) elections started here, \(s.leaderChanges) leader changes seen</p>"
        h += "<p>fsync (group commit fdatasync): \(s.fsyncCount) done"
        if let p50 = s.fsyncP50, let p99 = s.fsyncP99 { h += ", p50 ≤ \(ms(p50)), p99 ≤ \(ms(p99))" }
        h += "</p><h2>Recent elections and leader changes</h2><ul class=\"changes\">"
        if s.recentChanges.isEmpty { h += "<li>none since this node started</li>" }
        for c in s.recentChanges.reversed() { h += "<li>\(seconds(c.agoMs)) ago: \(escape(c.text))</li>" }
        return h + "</ul>"
    }

    static func ms(_ seconds: Double) -> String {
        seconds.isInfinite ? "&gt;10 s" : seconds < 0.001 ? "\(Int((seconds * 1e6).rounded())) µs" : "\(Int((seconds * 1e3).rounded())) ms"
    }

    static func seconds(_ ms: UInt64) -> String {
        ms < 60_000 ? "\(ms / 1000).\(ms % 1000 / 100) s" : "\(ms / 60_000) min \(ms % 60_000 / 1000) s"
    }

    static func escape(_ text: String) -> String { MarkupText.escape(text) }
}
