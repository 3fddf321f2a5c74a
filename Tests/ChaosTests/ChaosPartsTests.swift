@testable import Chaos
import Checker
import struct Checker.Operation
import XCTest

/// The pure pieces of the chaos driver: fault lists, reply classification,
/// the unavailability measure and the report.
final class ChaosPartsTests: XCTestCase {
    func testFaultListParsing() {
        XCTAssertEqual(try FaultKind.parseList("kill,pause,partition").get(), [.kill, .pause, .partition])
        XCTAssertEqual(try FaultKind.parseList("partition,partition").get(), [.partition])
        XCTAssertThrowsError(try FaultKind.parseList("kill,flood").get())
        XCTAssertThrowsError(try FaultKind.parseList(",").get())
    }

    func testNoQuorumIsAFailureAndTimeoutOrOddRepliesAreUnknown() {
        let set = Call.set(key: Array("k".utf8), value: Array("v".utf8), condition: .none)
        XCTAssertEqual(ReplyClassifier.outcome(of: set, reply: .error("NOQUORUM no leader")).outcome, .fail)
        XCTAssertEqual(ReplyClassifier.outcome(of: set, reply: .error("TIMEOUT maybe")).outcome, .unknown)
        XCTAssertNil(ReplyClassifier.outcome(of: set, reply: .error("TIMEOUT maybe")).unexpected)
        let odd = ReplyClassifier.outcome(of: set, reply: .error("ERR something"))
        XCTAssertEqual(odd.outcome, .unknown)
        XCTAssertNotNil(odd.unexpected)
        XCTAssertEqual(ReplyClassifier.outcome(of: set, reply: .simpleString("OK")).outcome, .ok(.applied(true)))
        XCTAssertEqual(ReplyClassifier.outcome(of: set, reply: .bulk(nil)).outcome, .ok(.applied(false)))
        let get = Call.get(key: Array("k".utf8))
        XCTAssertEqual(ReplyClassifier.outcome(of: get, reply: .bulk(Array("v".utf8))).outcome, .ok(.value(Array("v".utf8))))
        XCTAssertEqual(ReplyClassifier.outcome(of: get, reply: .integer(3)).outcome, .unknown)
        let cas = Call.cas(key: Array("k".utf8), expected: [1], new: [2])
        XCTAssertEqual(ReplyClassifier.outcome(of: cas, reply: .integer(1)).outcome, .ok(.swapped(true)))
        XCTAssertEqual(ReplyClassifier.outcome(of: cas, reply: .integer(2)).outcome, .unknown)
        let mget = Call.mget(keys: [Array("a".utf8), Array("b".utf8)])
        XCTAssertEqual(ReplyClassifier.outcome(of: mget, reply: .array([.bulk(Array("1".utf8)), .bulk(nil)])).outcome,
                       .ok(.values([Array("1".utf8), nil])))
        XCTAssertEqual(ReplyClassifier.outcome(of: mget, reply: .array([.bulk(nil)])).outcome, .unknown)
        let mset = Call.mset(pairs: [KeyValue(key: Array("a".utf8), value: [1])])
        XCTAssertEqual(ReplyClassifier.outcome(of: mset, reply: .simpleString("OK")).outcome, .ok(.ok))
        XCTAssertEqual(ReplyClassifier.outcome(of: mset, reply: .error("TIMEOUT")).outcome, .unknown)
        XCTAssertEqual(ReplyClassifier.command(.incr(key: Array("n".utf8), by: 1)).map { String(decoding: $0, as: UTF8.self) },
                       ["INCR", "n"])
        XCTAssertEqual(ReplyClassifier.command(set + .xx).map { String(decoding: $0, as: UTF8.self) }, ["SET", "k", "v", "XX"])
    }

    func testLongestUnavailabilityIsTheSlowestFirstWriteAfterAFault() {
        let faults = [fault(1, atNs: 100), fault(2, atNs: 1_000)]
        let history = [
            write(invoke: 90, complete: 400),  // before fault 1: does not count for it
            write(invoke: 150, complete: 300),  // fault 1: 200 ns
            read(invoke: 1_010, complete: 1_020),  // reads do not count
            write(invoke: 1_050, complete: 1_900),  // fault 2: 900 ns
        ]
        let worst = Unavailability.worst(faults: faults, history: history)
        XCTAssertEqual(worst?.fault.number, 2)
        XCTAssertEqual(worst?.ns, 900)
        let never = Unavailability.worst(faults: faults + [fault(3, atNs: 5_000)], history: history)
        XCTAssertEqual(never?.fault.number, 3)
        XCTAssertNil(never?.ns)
    }

    func testReportNamesCountsFaultsAndVerdict() {
        var options = ChaosOptions(runDirectory: "/tmp/x", daemonPath: "/bin/false")
        options.faults = [.kill, .partition]
        var partition = fault(2, atNs: 1_000)
        partition.kind = .partition
        partition.shape = .bridge
        var silent = fault(3, atNs: 500)
        silent.effect = nil
        let result = ChaosResult(options: options, history: [write(invoke: 1_050, complete: 3_000_001_050)],
                                 faults: [fault(1, atNs: 100), partition, silent], verdict: .linearizable,
                                 recoveryMs: 12, problems: [], unexpectedReplies: [], unexpectedCount: 0,
                                 checkMs: 3)
        let text = ChaosRun.report(result)
        XCTAssertTrue(text.contains("operations: 1 (ok 1, fail 0, unknown 0)"), text)
        XCTAssertTrue(text.contains("faults injected: 3: kill 2, partition 1 (bridge 1)"), text)
        XCTAssertTrue(text.contains("fault without an observed effect: 3"), text)
        XCTAssertTrue(text.contains("longest write unavailability: 3.000 s after fault 1"), text)
        XCTAssertTrue(text.hasSuffix("linearizable: yes"), text)
        XCTAssertFalse(result.passed, "a fault without effect must not pass")
        XCTAssertEqual(result.exitCode, 3)
    }

    // MARK: Builders

    private func fault(_ number: Int, atNs: Int64) -> FaultRecord {
        FaultRecord(number: number, kind: .kill, shape: nil, summary: "kill -9 node 1", startNs: atNs, healNs: atNs + 10,
                    effect: "peers_up on node 2 fell to 1")
    }

    private func write(invoke: Int64, complete: Int64) -> Operation {
        Operation(process: 1, call: .set(key: [1], value: [2], condition: .none), invokeNs: invoke, completeNs: complete,
                  outcome: .ok(.applied(true)))
    }

    private func read(invoke: Int64, complete: Int64) -> Operation {
        Operation(process: 2, call: .get(key: [1]), invokeNs: invoke, completeNs: complete, outcome: .ok(.value(nil)))
    }
}

private func + (call: Call, condition: SetCondition) -> Call {
    guard case .set(let key, let value, _) = call else { return call }
    return .set(key: key, value: value, condition: condition)
}
