import Client
import Storage
import Wire

/// `kvctl snapshot save FILE`: SNAPSHOT is a linearizable read (the leader
/// answers at a read index), so the backup is one consistent state; it is
/// written atomically in the snapshot file format with its checksum.
func runSnapshotSave(_ path: String, _ client: KvctlClient) throws(KvctlFailure) -> KvctlExitCode {
    let reply = try client.read([Array("SNAPSHOT".utf8)])
    guard case .array(let parts?) = reply, parts.count == 3,
          case .integer(let slot) = parts[0], slot >= 0,
          case .integer(let keys) = parts[1],
          case .bulk(let data?) = parts[2] else {
        throw KvctlFailure(.usage, "unexpected reply to SNAPSHOT from the server: \(reply)")
    }
    let bytes: Int
    do {
        bytes = try BackupFile(slot: UInt64(slot), data: data).write(to: path)
    } catch {
        throw KvctlFailure(.usage, "\(error)")
    }
    Output.text("saved \(path): slot \(slot), \(keys) keys, \(bytes) bytes (\(data.count) uncompressed)\n")
    return .ok
}
