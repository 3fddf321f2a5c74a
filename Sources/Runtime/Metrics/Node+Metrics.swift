import Metrics
import PaxosCore
import Posix
import Wire

/// `GET /metrics` and `GET /health` (DESIGN.md Part 1, "Metrics and health").
extension Node {
    func metricsResponse(_ request: HTTPRequestHead) -> HTTPResponse {
        if request.method == "GET" || request.method == "HEAD", let page = livePageResponse(request) { return page }
        return MetricsRoutes.respond(to: request, metrics: { self.metricsText() }, health: { self.health() })
    }

    func health() -> HealthVerdict {
        HealthVerdict(isVoter: replica.isVoter, leaderID: replica.freshLeader,
                      commitIndex: replica.commitIndex, applied: replica.applied, maxLag: config.tuning.healthMaxLag)
    }

    func metricsText() -> String {
        var text = PrometheusText()
        text.counter("paxoskv_commands_total", help: "Client commands answered, by command and result.", metrics.commandSamples)
        text.histogram("paxoskv_command_seconds", help: "Latency of commands that went through consensus (writes, linearizable reads), parse to reply.",
                       metrics.commandSeconds)
        text.counter("paxoskv_slots_committed_total", help: "Slots this node learned committed since it started.",
                     replica.commitIndex - min(replica.commitIndex, metrics.startCommit))
        text.histogram("paxoskv_batch_commands", help: "Client commands per accepted slot.", metrics.batchCommands)
        text.histogram("paxoskv_fsync_seconds", help: "Duration of each write-ahead log group commit's fdatasync.", wal.fsyncSeconds)
        text.counter("paxoskv_elections_total", help: "Elections this node started (phase 1 as a candidate).", metrics.elections)
        text.counter("paxoskv_leader_changes_total", help: "Times this node learned of a new leader (itself included).",
                     metrics.leaderChanges)
        text.gauge("paxoskv_is_leader", help: "1 while this node leads.", replica.role == .leader ? 1 : 0)
        text.gauge("paxoskv_is_voter", help: "1 while this node may vote (0: a learner catching up).", replica.isVoter ? 1 : 0)
        text.gauge("paxoskv_commit_index", help: "Highest slot known chosen.", Double(replica.commitIndex))
        text.gauge("paxoskv_applied_index", help: "Highest slot applied to the key-value map.", Double(replica.applied))
        text.gauge("paxoskv_snapshot_index", help: "Slot of the newest snapshot.", Double(replica.snapshotIndex))
        text.gauge("paxoskv_wal_bytes", help: "Bytes in the write-ahead log's segments.", Double(max(0, wal.walBytes)))
        text.counter("paxoskv_snapshots_total", help: "Snapshots taken or installed since start.", metrics.snapshots)
        text.gauge("paxoskv_keys", help: "Keys in the map.", Double(replica.stateMachine.count))
        text.gauge("paxoskv_connections", help: "Open client connections.", Double(clients.count))
        let others = config.nodes.map(\.id).filter { $0 != me.id }
        text.gauge("paxoskv_peer_up", help: "1 while the connection to the peer is established.",
                   others.map { ([("peer", "\($0)")], peers.isUp($0) ? 1 : 0) })
        return text.text
    }
}
