import Config
import Glibc
import PaxosCore
import Posix
import Storage

/// Opening what the node needs before its loop runs; each failure becomes a
/// `NodeStartError` with the exit status `paxosd` uses.
extension Node {
    struct OpenedStorage {
        var directory: DataDirectory
        var wal: WriteAheadLog
        var recovered: RecoveredState
    }

    /// Takes the data directory's lock, then recovers the WAL. A WAL write
    /// or fdatasync error later is fatal: logged, exit 3, never retried.
    static func openStorage(_ path: String, log: Log) throws(NodeStartError) -> OpenedStorage {
        let directory: DataDirectory
        do {
            directory = try DataDirectory.open(path)
        } catch {
            throw NodeStartError("\(error)", exitCode: 3)
        }
        do {
            let (wal, recovered) = try WriteAheadLog.open(directory: path, options: walOptions(log: log))
            return OpenedStorage(directory: directory, wal: wal, recovered: recovered)
        } catch {
            directory.close()
            throw NodeStartError("\(error)", exitCode: 3)
        }
    }

    /// Before the core starts, two records it would not write itself:
    /// - the initial configuration (the config file's members and
    ///   addresses), as a snapshot of the state at the recovered index, when
    ///   the directory holds state (or --bootstrap) but no snapshot with a
    ///   configuration. From then on the directory, not the file, says what
    ///   the log's member changes build on. A joining node, or one with an
    ///   empty directory, learns it from the cluster instead.
    /// - `--bootstrap` on an empty directory: the node is new, so it has
    ///   forgotten nothing (rule 9 is about wiped nodes) and may vote; the
    ///   `.joined` record says so durably, so a restart before it ever
    ///   promised still finds it a voter.
    /// The log is then opened again: the core counts durable records from
    /// its own first one, and these must not shift that count.
    static func prepareStorage(_ opened: inout OpenedStorage, id: NodeID, config: ClusterConfig, options: NodeOptions,
                               emptyState: [UInt8], log: Log) throws(NodeStartError) {
        let path = opened.directory.path
        let recovered = opened.recovered
        var records: [Record] = []
        // An empty directory without --bootstrap may be a wiped node's, whose
        // file need not match the cluster: it learns the configuration (a
        // snapshot, or the fresh-cluster rule) instead.
        // (A single node alone in its file is a cluster of one: nobody to ask.)
        let alone = config.members == [id]
        let trustsFile = !options.join && (!recovered.isEmpty || options.bootstrap || alone)
        if trustsFile, CoreSnapshot.membership(in: recovered.snapshotData ?? []) == nil {
            let data = CoreSnapshot.encode(fileMembership(config), recovered.snapshotData ?? emptyState)
            records.append(.snapshot(index: recovered.snapshotIndex, promised: recovered.promised, data: data))
        }
        let bootstraps = options.bootstrap && recovered.isEmpty
        if options.bootstrap && !bootstraps { log.info("--bootstrap ignored: the data directory already holds state") }
        if bootstraps { records.append(.joined) }
        guard !records.isEmpty else { return }
        opened.wal.append(records)
        let durable = opened.wal.waitUntilDurable(opened.wal.appendedCount, timeoutNanoseconds: 30_000_000_000)
        opened.wal.close()
        guard durable else {
            opened.directory.close()
            throw NodeStartError("could not make the initial records durable in \(path)", exitCode: 3)
        }
        do {
            (opened.wal, opened.recovered) = try WriteAheadLog.open(directory: path, options: walOptions(log: log))
        } catch {
            opened.directory.close()
            throw NodeStartError("\(error)", exitCode: 3)
        }
        precondition(CoreSnapshot.membership(in: opened.recovered.snapshotData ?? []) != nil || !trustsFile,
                     "the initial configuration did not survive reopening the log")
        if bootstraps {
            precondition(opened.recovered.mayVote, "the bootstrap record did not survive reopening the log")
            log.info("bootstrap: new data directory, voting from the start")
        }
    }

    /// A WAL write or fdatasync error is fatal: logged, exit 3, never retried.
    static func walOptions(log: Log) -> WALOptions {
        WALOptions(onFatalError: { message in
            log.error("fatal: \(message)")
            exit(3)
        })
    }

    /// Raises RLIMIT_NOFILE for `maxConnections` clients plus what the node
    /// itself holds, and returns how many clients it can really serve.
    static func raiseFileLimit(for maxConnections: Int, log: Log) -> Int {
        // Peers, listeners, WAL segments, epoll, eventfds, stdio, with room to spare.
        let reserved = 64
        let wanted = UInt64(maxConnections + reserved)
        let limit = Posix.raiseOpenFileLimit(to: wanted)
        let holdable = max(1, Int(clamping: limit) - reserved)
        if holdable < maxConnections {
            log.warn("open file limit too low for max_connections", ["limit": limit, "max_connections": maxConnections,
                                                                     "clients": holdable])
        } else {
            log.info("open file limit", ["limit": limit, "clients": maxConnections])
        }
        return min(maxConnections, holdable)
    }

    /// `--peer-via` names other nodes: of the file, or ones a member change may add.
    static func checkPeerVia(_ via: [NodeID: HostPort], config: ClusterConfig, id: NodeID) throws(NodeStartError) {
        if via[id] != nil {
            throw NodeStartError("--peer-via \(id): node \(id) is this node, not a peer", exitCode: 2)
        }
    }

    static func listen(_ name: String, _ address: HostPort, loop: EventLoop, log: Log) throws(NodeStartError) -> Listener {
        do throws(IOError) {
            let socketAddress = try SocketAddress(resolvingHost: address.host, port: address.port)
            return try Listener(name: name, address: socketAddress, loop: loop, log: log)
        } catch {
            throw NodeStartError("cannot listen on \(name) address \(address): \(error)", exitCode: 3)
        }
    }
}
