import Config
import KVStore
import PaxosCore
import Storage

/// `paxosd --restore BACKUP`: initialises an empty data directory from a
/// backup (`kvctl snapshot save`) and returns; the node then starts as
/// usual. Every node restored from one backup holds the same state at the
/// same slot and may vote (a `.joined` record after the snapshot), so
/// together they form a cluster serving exactly that data.
public enum Restore {
    public struct Summary: Sendable {
        public var slot: Slot
        public var keys: Int
        public var dataDirectory: String
    }

    public static func run(config: ClusterConfig, id: NodeID, backupPath: String, log: Log) throws(NodeStartError) -> Summary {
        guard let me = config.node(id) else {
            throw NodeStartError("\(config.path): no [node.\(id)] section for --id \(id)", exitCode: 2)
        }
        let backup: BackupFile
        do {
            backup = try BackupFile.read(backupPath)
        } catch {
            throw NodeStartError("--restore: \(error)", exitCode: 2)
        }
        // The state must load here, not only when the node starts.
        var machine = KVStateMachine(sessionTTLms: config.tuning.sessionTTLSeconds * 1_000, maxSessions: config.tuning.maxSessions,
                                     maxValueBytes: config.tuning.maxValueBytes)
        do {
            try machine.restore(from: backup.data)
        } catch {
            throw NodeStartError("--restore: \(backupPath) holds no key-value state this build reads: \(error)", exitCode: 2)
        }
        let opened = try Node.openStorage(me.data, log: log)
        defer { opened.directory.close() }
        guard opened.recovered.isEmpty else {
            opened.wal.close()
            throw NodeStartError("--restore: data directory \(me.data) is not empty; restore initialises an empty one", exitCode: 2)
        }
        // Snapshot first, then joined: a crash between them leaves a learner
        // holding the state, never a voter without it (as in becomeVoter).
        // The backup holds the state only; the configuration is the config file's.
        let data = CoreSnapshot.encode(Node.fileMembership(config), backup.data)
        opened.wal.append([.snapshot(index: backup.slot, promised: .zero, data: data), .joined])
        let durable = opened.wal.waitUntilDurable(opened.wal.appendedCount, timeoutNanoseconds: 600_000_000_000)
        opened.wal.close()
        guard durable else { throw NodeStartError("--restore: could not write \(me.data)", exitCode: 3) }
        log.info("restored", ["backup": backupPath, "slot": backup.slot, "keys": machine.count, "data": me.data])
        return Summary(slot: backup.slot, keys: machine.count, dataDirectory: me.data)
    }
}
