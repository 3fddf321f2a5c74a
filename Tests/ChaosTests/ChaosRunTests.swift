@testable import Chaos
import Checker
import Glibc
import XCTest

/// Real paxosd processes under the nemesis, end to end. Serialized with
/// the cluster tests (scripts/test.sh): they need the machine's cores.
final class ChaosRunTests: XCTestCase {
    /// The 60-second run of issue 5: every fault kind, a linearizable
    /// history, a live cluster after healing, no daemon crash.
    func testSixtySecondRunWithEveryFaultIsLinearizable() throws {
        var options = try makeOptions(name: "sixty", seed: 20_261_123)
        options.durationSeconds = 60
        let result = try runKeepingLogsOnFailure(options)
        let report = ChaosRun.report(result)
        print(report)
        XCTAssertTrue(result.verdict.isLinearizable, report)
        XCTAssertTrue(result.problems.isEmpty, report)
        XCTAssertNotNil(result.recoveryMs, report)
        XCTAssertTrue(result.ineffectiveFaults.isEmpty, report)
        for kind in options.faults {
            XCTAssertGreaterThanOrEqual(result.faults.filter { $0.kind == kind }.count, 2, "\(kind)\n\(report)")
        }
        let acknowledged = result.history.filter { if case .ok = $0.outcome { return true } else { return false } }
        XCTAssertGreaterThan(acknowledged.count, 300, report)
        XCTAssertEqual(result.exitCode, 0, report)
    }

    /// The checker bites on real processes: daemons that answer reads from
    /// their local replica (no read index) give stale reads under partitions.
    /// A control run with the same seed and faults but safe reads must pass,
    /// so the verdict comes from the flag, not from the run.
    func testUnsafeLocalReadsAreCaughtByAShortPartitionRun() throws {
        let safe = try runKeepingLogsOnFailure(try partitionOnly(name: "control", seed: 5, seconds: 15))
        XCTAssertTrue(safe.passed, ChaosRun.report(safe))

        var options = try partitionOnly(name: "unsafe", seed: 5, seconds: 15)
        options.unsafeLocalReads = true
        let result = try runKeepingLogsOnFailure(options, expectPass: false)
        let report = ChaosRun.report(result)
        print(report)
        guard case .notLinearizable(_, let operations) = result.verdict else {
            return XCTFail("unsafe local reads were not caught:\n\(report)")
        }
        // What breaks it is a read: the offending ops include a GET.
        XCTAssertTrue(operations.contains("] get "), report)
        XCTAssertEqual(result.exitCode, 1, report)
        XCTAssertTrue(report.contains("linearizable: no"), report)
    }

    /// The effect check bites: partitions that cut nothing are reported as
    /// faults without effect, and the run is undecided (exit 3), not a pass.
    func testPartitionsThatCutNothingAreReportedAsIneffective() throws {
        var options = try partitionOnly(name: "fake", seed: 9, seconds: 12)
        options.fakePartitions = true
        let result = try runKeepingLogsOnFailure(options, expectPass: false)
        let report = ChaosRun.report(result)
        print(report)
        XCTAssertFalse(result.faults.isEmpty, report)
        XCTAssertEqual(result.ineffectiveFaults.count, result.faults.count, report)
        XCTAssertTrue(report.contains("fault without an observed effect"), report)
        XCTAssertFalse(result.passed, report)
        XCTAssertEqual(result.exitCode, 3, report)
    }

    // MARK: Support

    private var directories: [String] = []

    override func tearDown() {
        for directory in directories { removeTree(directory) }
        directories = []
        super.tearDown()
    }

    private func makeOptions(name: String, seed: UInt64) throws -> ChaosOptions {
        var template = Array("/tmp/paxoskv-chaos-\(name)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw ChaosError("mkdtemp failed: errno \(errno)") }
        let directory = String(cString: made)
        var options = ChaosOptions(runDirectory: directory, daemonPath: try daemonPath())
        options.seed = seed
        options.checkSeconds = 120
        return options
    }

    /// A short run whose only faults are partitions.
    private func partitionOnly(name: String, seed: UInt64, seconds: Int) throws -> ChaosOptions {
        var options = try makeOptions(name: name, seed: seed)
        options.durationSeconds = seconds
        options.faults = [.partition]
        return options
    }

    /// Runs it; the run directory is deleted afterwards unless the run
    /// did not end as expected (then its path is in the failure message).
    private func runKeepingLogsOnFailure(_ options: ChaosOptions, expectPass: Bool = true) throws -> ChaosResult {
        let result = try ChaosRun.run(options) { line in print(line) }
        if result.passed == expectPass {
            directories.append(options.runDirectory)
        } else {
            print("chaos run directory kept: \(options.runDirectory)")
        }
        return result
    }

    /// paxosd from the same build as this test bundle.
    private func daemonPath() throws -> String {
        guard let path = builtExecutable("paxosd") else { throw ChaosError("no paxosd in this build: run `swift build` first") }
        return path
    }
}

/// `rm -rf` for the run directories this test created.
func removeTree(_ path: String) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    guard let pid = try? spawnWithCleanSignals("/bin/rm", ["-rf", path], &actions) else { return }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
}
