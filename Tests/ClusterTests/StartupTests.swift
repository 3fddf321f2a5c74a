import Chaos
import Glibc
import Testing

extension ClusterSuite {
    /// What `paxosd` does before it serves: refuses a bad config (exit 2) and
    /// a data directory another daemon holds (exit 3), answers --help.
    @Suite("Cluster: paxosd startup")
    struct StartupTests {
        @Test("a bad config prints FILE:LINE and exits 2")
        func badConfig() throws {
            let cluster = try TestCluster(size: 1)
            defer { cluster.stopAll() }
            try writeFile(cluster.configPath, "cluster = \"x\"\nbogus = 1\n")
            try cluster.start(1)
            #expect(cluster.processes[1]!.waitForExit(timeoutMs: 5_000) == 2)
            #expect(cluster.processes[1]!.log.contains("paxosd: \(cluster.configPath):2: unknown key 'bogus'"))
            cluster.removeFiles()
        }

        @Test("a second daemon on the same data directory exits 3 and names the lock")
        func lockedDataDirectory() throws {
            let cluster = try TestCluster(size: 1)
            defer { cluster.stopAll() }
            try cluster.start(1)
            #expect(cluster.wait(timeoutMs: 5_000) { cluster.info(1) != nil }, "first daemon never served:\n\(cluster.logs())")
            let second = try DaemonProcess(executable: try TestCluster.daemonPath(),
                                           arguments: ["--config", cluster.configPath, "--id", "1"],
                                           logPath: cluster.directory + "/second.log")
            defer { second.kill() }
            #expect(second.waitForExit(timeoutMs: 5_000) == 3)
            #expect(second.log.contains("is in use by another process"))
            #expect(cluster.processes[1]!.pollExit() == nil, "the first daemon must keep running")
            cluster.removeFiles()
        }

        @Test("--help prints usage and exits 0; a missing --id exits 2")
        func usage() throws {
            let cluster = try TestCluster(size: 1)
            defer { cluster.stopAll() }
            let help = try DaemonProcess(executable: try TestCluster.daemonPath(), arguments: ["--help"],
                                         logPath: cluster.directory + "/help.log")
            #expect(help.waitForExit(timeoutMs: 5_000) == 0)
            #expect(help.log.contains("usage: paxosd --config FILE --id N"))
            let missing = try DaemonProcess(executable: try TestCluster.daemonPath(), arguments: ["--config", cluster.configPath],
                                            logPath: cluster.directory + "/missing.log")
            #expect(missing.waitForExit(timeoutMs: 5_000) == 2)
            cluster.removeFiles()
        }
    }
}
