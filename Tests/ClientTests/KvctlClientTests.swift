import Config
import Synchronization
import Testing
import Wire
@testable import Client

private func kvctlArgs(_ argv: [[UInt8]]) -> [String] { argv.map { String(decoding: $0, as: UTF8.self) } }

private func kvctlClient(_ endpoints: [HostPort], timeout: Double = 5) -> KvctlClient {
    KvctlClient(endpoints: endpoints, password: nil, timeoutSeconds: timeout, attemptSeconds: timeout,
                startIndex: 0, clientID: Array("c0ffee".utf8))
}

@Suite("kvctl fail-over client", .serialized)
struct KvctlClientTests {
    @Test("a write skips a dead node and a NOQUORUM node and retries with the same RID seq")
    func writeFailsOver() throws {
        let noQuorum = try ScriptedRESPServer(always: "-NOQUORUM no leader\r\n")
        let ok = try ScriptedRESPServer(always: "+OK\r\n")
        defer { noQuorum.stop(); ok.stop() }
        let kv = kvctlClient([try kvctlClosedPort(), noQuorum.endpoint, ok.endpoint])
        #expect(try kv.write([Array("SET".utf8), Array("k".utf8), [0, 255]]) == .simpleString("OK"))
        #expect(noQuorum.commands.map(kvctlArgs) == [["RID", "c0ffee", "1", "SET", "k", "\u{0}\u{FFFD}"]])
        #expect(ok.commands.map { $0 } == [[Array("RID".utf8), Array("c0ffee".utf8), Array("1".utf8),
                                              Array("SET".utf8), Array("k".utf8), [0, 255]]])
        // The next write gets the next seq on the node that answered.
        _ = try kv.write([Array("DEL".utf8), Array("k".utf8)])
        #expect(ok.commands.last.map(kvctlArgs) == ["RID", "c0ffee", "2", "DEL", "k"])
    }

    @Test("after a dropped connection the same write is resent with the same seq")
    func droppedConnection() throws {
        let calls = Atomic<Int>(0)
        let flaky = try ScriptedRESPServer { _ in
            calls.wrappingAdd(1, ordering: .relaxed).oldValue == 0 ? nil : Array(":5\r\n".utf8)
        }
        defer { flaky.stop() }
        let kv = kvctlClient([flaky.endpoint])
        #expect(try kv.write([Array("INCRBY".utf8), Array("n".utf8), Array("5".utf8)]) == .integer(5))
        #expect(flaky.commands.map(kvctlArgs) == [["RID", "c0ffee", "1", "INCRBY", "n", "5"],
                                             ["RID", "c0ffee", "1", "INCRBY", "n", "5"]])
    }

    @Test("NOQUORUM everywhere: not applied; a TIMEOUT on the way: outcome unknown")
    func finalAnswers() throws {
        let noQuorum = try ScriptedRESPServer(always: "-NOQUORUM no leader\r\n")
        let timeout = try ScriptedRESPServer(always: "-TIMEOUT proposed in slot 9\r\n")
        defer { noQuorum.stop(); timeout.stop() }
        do {
            _ = try kvctlClient([noQuorum.endpoint], timeout: 0.3).write([Array("DEL".utf8), Array("k".utf8)])
            Issue.record("expected a failure")
        } catch {
            #expect(error.exitCode == .unavailable)
            #expect(error.message.hasPrefix("cluster unavailable: the write was not applied (NOQUORUM no leader"))
        }
        do {
            _ = try kvctlClient([timeout.endpoint, noQuorum.endpoint], timeout: 0.3).write([Array("DEL".utf8), Array("k".utf8)])
            Issue.record("expected a failure")
        } catch {
            #expect(error.exitCode == .unavailable)
            #expect(error.message.hasPrefix(
                "outcome unknown: the write may or may not have been applied (TIMEOUT proposed in slot 9"))
        }
        // Every retry of that one write used seq 1; the session is fresh afterwards.
        #expect(Set(timeout.commands.map { kvctlArgs($0)[2] }) == ["1"])
    }

    @Test("reads retry freely and are never wrapped in RID; SESSIONEXPIRED and ERR end the run")
    func readsAndFinalErrors() throws {
        let timeout = try ScriptedRESPServer(always: "-TIMEOUT read index\r\n")
        let value = try ScriptedRESPServer(always: "$1\r\nv\r\n")
        let expired = try ScriptedRESPServer(always: "-SESSIONEXPIRED session evicted\r\n")
        let refused = try ScriptedRESPServer(always: "-ERR value is not an integer\r\n")
        defer { timeout.stop(); value.stop(); expired.stop(); refused.stop() }
        #expect(try kvctlClient([timeout.endpoint, value.endpoint]).read([Array("GET".utf8), Array("k".utf8)])
            == .bulk(Array("v".utf8)))
        #expect(value.commands.map(kvctlArgs) == [["GET", "k"]])
        #expect {
            _ = try kvctlClient([expired.endpoint]).write([Array("DEL".utf8), Array("k".utf8)])
        } throws: {
            let failure = $0 as? KvctlFailure
            return failure?.exitCode == .unavailable && failure?.message.contains("expired") == true
        }
        #expect {
            _ = try kvctlClient([refused.endpoint, value.endpoint]).write([Array("INCR".utf8), Array("k".utf8)])
        } throws: {
            ($0 as? KvctlFailure) == KvctlFailure(.usage, "the server refused the request: ERR value is not an integer")
        }
        #expect(value.commands.count == 1)
    }
}

@Suite("kvctl write retry floor")
struct KvctlWriteRetryFloorTests {
    @Test("after a definite NOQUORUM a write is not resent so late that our deadline could cut it short")
    func noLateResend() throws {
        let noQuorum = try ScriptedRESPServer(always: "-NOQUORUM no leader\r\n")
        defer { noQuorum.stop() }
        let kv = KvctlClient(endpoints: [noQuorum.endpoint], password: nil, timeoutSeconds: 0.5, attemptSeconds: 0.5,
                             writeRetryFloorSeconds: 1, startIndex: 0, clientID: Array("c0ffee".utf8))
        #expect(throws: KvctlFailure.self) { _ = try kv.write([Array("DEL".utf8), Array("k".utf8)]) }
        #expect(noQuorum.commands.count == 1)
    }
}
