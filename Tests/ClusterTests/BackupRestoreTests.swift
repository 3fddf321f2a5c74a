import Chaos
import Glibc
import KVStore
import Posix
import Storage
import Wire
import Testing

extension ClusterSuite {
    /// `kvctl snapshot save` and `paxosd --restore` (DESIGN.md Part 1,
    /// "Backup, restore, bootstrap").
    @Suite("Cluster: backup and restore")
    struct BackupRestoreTests {
        @Test("a backup taken under writes holds a prefix of them (all acknowledged before, none sent after) and restores into a fresh cluster serving exactly it")
        func backupUnderLoad() throws {
            let source = try TestCluster(size: 3)
            defer { source.stopAll() }
            try source.startAll()
            let leader = try #require(source.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "\(source.logs())")
            let writer = try source.client(leader)
            defer { writer.close() }
            var written = 0
            func write() throws {
                written += 1
                let reply = try writer.call("SET", "w\(written)", "\(written)")
                try #require(reply == .simpleString("OK"), "SET w\(written): \(reply)")
            }
            for _ in 0..<200 { try write() }
            let ackedBefore = written

            // Through a follower: SNAPSHOT is forwarded and its answer relayed.
            let follower = [1, 2, 3].first { $0 != leader }!
            let backupPath = source.directory + "/backup.snap"
            let kvctl = try ChildProcess(executable: try #require(builtExecutable("kvctl")),
                                         arguments: ["--endpoints", "127.0.0.1:\(source.clientPorts[follower]!)",
                                                     "snapshot", "save", backupPath],
                                         logPath: source.directory + "/kvctl.log")
            let deadline = nowMs() + 30_000
            while kvctl.pollExit() == nil && nowMs() < deadline { try write() }
            let kvctlOutput = (try? readTextFile(source.directory + "/kvctl.log")) ?? ""
            #expect(kvctl.waitForExit(timeoutMs: 1_000) == 0, "kvctl: \(kvctlOutput)")
            let sentAfter = written + 1
            #expect(written > ackedBefore, "no write overlapped the backup")
            for _ in 0..<50 { try write() }

            let backup = try BackupFile.read(backupPath)
            var machine = KVStateMachine()
            try machine.restore(from: backup.data)
            let held = (1...written).filter { machine.value(forKey: Array("w\($0)".utf8)) != nil }
            let prefix = held.count
            #expect(held == Array(1..<(prefix + 1)), "not a prefix of the writes")
            #expect(prefix >= ackedBefore, "an acknowledged write is missing: holds \(prefix), acknowledged \(ackedBefore)")
            #expect(prefix < sentAfter, "holds a write sent after the backup was saved")
            #expect(machine.count == prefix)
            #expect(kvctlOutput.contains("slot \(backup.slot), \(prefix) keys"), "\(kvctlOutput)")

            let target = try TestCluster(size: 3)
            defer { target.stopAll() }
            for id in 1...3 {
                let restore = try DaemonProcess(executable: try TestCluster.daemonPath(),
                                                arguments: ["--config", target.configPath, "--id", "\(id)", "--restore", backupPath],
                                                logPath: target.directory + "/restore\(id).log")
                #expect(restore.waitForExit(timeoutMs: 30_000) == 0, "\(restore.log)")
            }
            try target.startAll()
            let newLeader = try #require(target.waitForLeader(among: [1, 2, 3], timeoutMs: 10_000), "\(target.logs())")
            for id in 1...3 {
                let client = try target.client(id)
                defer { client.close() }
                #expect(try client.call("DBSIZE") == .integer(Int64(prefix)), "node \(id)")
                for i in [1, ackedBefore, prefix, prefix + 1, written] {
                    let expected: RESPValue = i <= prefix ? .bulk(Array("\(i)".utf8)) : .bulk(nil)
                    #expect(try client.call("GET", "w\(i)") == expected, "node \(id) GET w\(i)")
                }
            }
            let client = try target.client(newLeader)
            defer { client.close() }
            #expect(try client.call("SET", "after", "restore") == .simpleString("OK"))
            source.removeFiles()
            target.removeFiles()
        }

        @Test("--restore refuses a data directory that holds state and a damaged backup, with exit 2 and the reason")
        func refusals() throws {
            let cluster = try TestCluster(size: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.info(1)?["role"] == "leader" }, "\(cluster.logs())")
            let client = try cluster.client(1)
            _ = try client.call("SET", "k", "v")
            client.close()
            let backupPath = cluster.directory + "/backup.snap"
            let save = try ChildProcess(executable: try #require(builtExecutable("kvctl")),
                                        arguments: ["--endpoints", "127.0.0.1:\(cluster.clientPorts[1]!)", "snapshot", "save", backupPath],
                                        logPath: cluster.directory + "/kvctl.log")
            #expect(save.waitForExit(timeoutMs: 30_000) == 0)
            cluster.stopAll()

            func restore(_ file: String) throws -> (Int32?, String) {
                let p = try DaemonProcess(executable: try TestCluster.daemonPath(),
                                          arguments: ["--config", cluster.configPath, "--id", "1", "--restore", file],
                                          logPath: cluster.directory + "/restore-\(nowMs()).log")
                return (p.waitForExit(timeoutMs: 30_000), p.log)
            }
            let (status, log) = try restore(backupPath)
            #expect(status == 2)
            #expect(log.contains("is not empty; restore initialises an empty one"), "\(log)")

            var bytes = try PosixFileSystem().readFile(backupPath)
            bytes[bytes.count / 2] ^= 0xFF
            try writeFile(cluster.directory + "/damaged.snap", bytes: bytes)
            let (damagedStatus, damagedLog) = try restore(cluster.directory + "/damaged.snap")
            #expect(damagedStatus == 2)
            #expect(damagedLog.contains("is not a valid PaxosKV backup: checksum mismatch"), "\(damagedLog)")
            cluster.removeFiles()
        }
    }
}
