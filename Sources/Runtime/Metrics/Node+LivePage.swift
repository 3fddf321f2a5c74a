import Metrics
import PaxosCore
import Posix
import Trace
import Wire

/// The live page on the metrics port (`GET /`, `/live/status`, `/live/flow.svg`).
extension Node {
    /// Seconds of message flow the page draws.
    static let liveFlowSeconds = 10
    /// Without `--trace`, the node traces in memory this long after the page last asked.
    static let liveTraceMs: UInt64 = 15_000

    /// The page's routes; nil for every other path.
    func livePageResponse(_ request: HTTPRequestHead) -> HTTPResponse? {
        let html = "text/html; charset=utf-8"
        switch request.path {
        case "/", "/index.html":
            watchLive()
            return HTTPResponse(status: 200, contentType: html, body: Array(LivePage.page(liveStatus(), flowSeconds: Self.liveFlowSeconds).utf8))
        case "/live/status":
            return HTTPResponse(status: 200, contentType: html, body: Array(LivePage.fragment(liveStatus()).utf8))
        case "/live/flow.svg":
            watchLive()
            let events = tracer?.recentEvents(lastMs: UInt64(Self.liveFlowSeconds) * 1_000) ?? []
            var options = ChartOptions()
            options.oneSided = true
            let svg = SVGChart.render(Chart(TraceRun(events), options: options))
            return HTTPResponse(status: 200, contentType: "image/svg+xml", body: Array(svg.utf8))
        default:
            return nil
        }
    }

    /// Someone watches: trace (in memory, if not to a file) for a while.
    private func watchLive() {
        liveTraceUntilMs = SystemClock.monotonicMs() + Self.liveTraceMs
        if tracer == nil { tracer = try? NodeTracer(path: nil, node: me.id) }
    }

    /// Called every tick: a memory-only tracer nobody watches goes away (and costs nothing again).
    func expireLiveTrace() {
        guard let t = tracer, !t.writesFile, SystemClock.monotonicMs() > liveTraceUntilMs else { return }
        tracer = nil
    }

    func liveStatus() -> LivePage.Status {
        let progress = replica.peerProgress
        let leader = replica.leaderID
        let members = replica.membership.members.sorted().map { id -> LivePage.Member in
            if id == me.id {
                return LivePage.Member(id: id, role: replica.role == .leader ? "leader" : replica.isVoter ? replica.role.rawValue : "learner",
                                       connected: nil, applied: replica.applied)
            }
            let p = progress[id]
            let role = id == leader ? "leader" : p.map { $0.isVoter ? "follower" : "learner" } ?? "unknown"
            return LivePage.Member(id: id, role: role, connected: peers.isUp(id), applied: p?.applied)
        }
        let now = SystemClock.wallMs()
        let fsync = wal.fsyncSeconds
        return LivePage.Status(cluster: config.cluster, node: me.id, role: replica.role.rawValue, leader: leader,
                               ballot: replica.ballot.description, promised: replica.promised.description,
                               commit: replica.commitIndex, applied: replica.applied, members: members,
                               recentChanges: metrics.recentChanges.map { (now &- $0.wallMs, $0.text) },
                               elections: metrics.elections, leaderChanges: metrics.leaderChanges,
                               fsyncCount: fsync.count, fsyncP50: fsync.quantileBound(0.5), fsyncP99: fsync.quantileBound(0.99))
    }
}
