import Glibc

extension TestCluster {
    /// A running 3-node cluster whose leader has settled, with one follower;
    /// stopped again if it cannot settle.
    static func startSettled(tuning: [String: Int]) throws -> (TestCluster, leader: Int, follower: Int) {
        let cluster = try TestCluster(size: 3, tuning: tuning)
        do {
            try cluster.startAll()
            guard let leader = cluster.waitForSettledLeader(among: [1, 2, 3], timeoutMs: 10_000) else {
                throw HarnessError("no leader: \(cluster.lastInfos)\n\(cluster.logs())")
            }
            return (cluster, leader, [1, 2, 3].first { $0 != leader }!)
        } catch {
            cluster.stopAll()
            throw error
        }
    }
}
