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

    /// `--bootstrap` on an empty data directory: the node is new, so it has
    /// forgotten nothing (rule 9 is about wiped nodes) and may vote. The
    /// `.joined` record says so durably before the core starts, so a restart
    /// before it ever promised still finds it a voter. The log is then
    /// opened again: the core counts durable records from its own first one,
    /// and the bootstrap record must not shift that count.
    static func bootstrap(_ opened: inout OpenedStorage, path: String, log: Log) throws(NodeStartError) {
        guard opened.recovered.isEmpty else {
            log.info("--bootstrap ignored: the data directory already holds state")
            return
        }
        opened.wal.append([.joined])
        let durable = opened.wal.waitUntilDurable(opened.wal.appendedCount, timeoutNanoseconds: 30_000_000_000)
        opened.wal.close()
        guard durable else {
            opened.directory.close()
            throw NodeStartError("--bootstrap: could not make the bootstrap record durable in \(path)", exitCode: 3)
        }
        do {
            (opened.wal, opened.recovered) = try WriteAheadLog.open(directory: path, options: walOptions(log: log))
        } catch {
            opened.directory.close()
            throw NodeStartError("\(error)", exitCode: 3)
        }
        precondition(opened.recovered.mayVote, "the bootstrap record did not survive reopening the log")
        log.info("bootstrap: new data directory, voting from the start")
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

    /// Each peer's configured address, or its `via` override.
    static func resolvePeers(_ config: ClusterConfig, except id: NodeID,
                             via: [NodeID: HostPort]) throws(NodeStartError) -> [NodeID: SocketAddress] {
        for peer in via.keys where config.node(peer) == nil || peer == id {
            throw NodeStartError("--peer-via \(peer): not a peer of node \(id) in \(config.path)", exitCode: 2)
        }
        var addresses: [NodeID: SocketAddress] = [:]
        for node in config.nodes where node.id != id {
            let address = via[node.id] ?? node.peer
            do throws(IOError) {
                addresses[node.id] = try SocketAddress(resolvingHost: address.host, port: address.port)
            } catch {
                throw NodeStartError("\(config.path): node \(node.id) peer address \(address): \(error)", exitCode: 2)
            }
        }
        return addresses
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
