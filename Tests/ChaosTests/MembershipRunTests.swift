@testable import Chaos
import Checker
import Glibc
import XCTest

/// Issue 12's cluster test: a running 3-node cluster grows to 5 and shrinks
/// back to 3 while clients write, with a kill -9 of a minority in between
/// and the leader removed once; the history must be linearizable and every
/// node left must read back what was acknowledged.
final class MembershipRunTests: XCTestCase {
    func testGrowToFiveAndShrinkToThreeUnderWritesIsLinearizable() throws {
        var template = Array("/tmp/paxoskv-members-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ChaosError("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)
        guard let daemon = builtExecutable("paxosd") else { throw ChaosError("no paxosd in this build") }
        var options = ChaosOptions(runDirectory: directory, daemonPath: daemon)
        options.checkSeconds = 120
        let cluster = try ChaosCluster(size: 3, directory: directory, daemonPath: daemon, unsafeLocalReads: false,
                                       tuning: options.tuning, spares: 2)
        defer { cluster.stop() }
        try cluster.startAll()
        XCTAssertTrue(waitUntil(timeoutMs: 20_000) { cluster.leader() != nil }, "no leader; logs in \(directory)")

        let startNs = monotonicNs()
        let deadlineNs = startNs + 25_000_000_000
        var workload = Workload(clientPorts: cluster.clientPorts.filter { cluster.ids.contains($0.key) },
                                options: options.workload, seed: 12, startNs: startNs)
        workload.members = cluster.memberPorts
        let threads = workload.start(untilNs: deadlineNs)
        var log: [String] = []
        let nemesis = Nemesis(cluster: cluster, kinds: [.member, .kill], seed: 12, startNs: startNs) { line in
            print(line)
            log.append(line)
        }
        var sizes: [Int] = [cluster.size]
        func step(_ member: MemberStep) {
            sleepMs(1_500)
            nemesis.nextMemberStep = member
            nemesis.inject(.member, forMs: 0)
            sizes.append(cluster.size)
        }
        step(.add)
        step(.add)
        sleepMs(1_500)
        nemesis.inject(.kill, forMs: 3_000)  // (5 - 1) / 2 = 2 nodes, the leader first
        step(.removeLeader)
        step(.removeFollower)
        for thread in threads { thread.join() }

        let probe = FinalProbe(cluster: cluster, options: options, collector: workload.collector)
        let recoveryMs = probe.awaitWrite()
        let lastWindow = Int((deadlineNs - 1 - startNs) / 1_000_000) / options.workload.windowMs
        let silent = probe.readBack(lastWindow: lastWindow)
        cluster.noteCrashes()
        let history = workload.collector.history
        let verdict = Checker.check(history: history, budget: Budget(maxStates: 5_000_000, maxDuration: .seconds(120)))
        let context = log.joined(separator: "\n") + "\nlogs in \(directory)"

        XCTAssertEqual(sizes, [3, 4, 5, 4, 3], context)
        XCTAssertEqual(nemesis.records.map(\.kind), [.member, .member, .kill, .member, .member], context)
        XCTAssertTrue(nemesis.records.allSatisfy { $0.effect != nil }, context)
        XCTAssertTrue(nemesis.records[3].summary.contains("(leader)"), context)
        XCTAssertTrue(nemesis.records[3].effect?.contains("leader") == true, "the leader's removal elects another\n" + context)
        XCTAssertTrue(nemesis.problems.isEmpty, "\(nemesis.problems)\n" + context)
        XCTAssertTrue(cluster.crashes.isEmpty, "\(cluster.crashes)\n" + context)
        XCTAssertNotNil(recoveryMs, context)
        XCTAssertTrue(silent.isEmpty, "silent after healing: \(silent)\n" + context)
        XCTAssertTrue(verdict.isLinearizable, "\(verdict)\n" + context)
        let acknowledged = history.filter { if case .ok = $0.outcome { return true } else { return false } }
        XCTAssertGreaterThan(acknowledged.count, 300, context)
        cluster.stop()
        if verdict.isLinearizable && nemesis.problems.isEmpty { removeTree(directory) }
    }
}
