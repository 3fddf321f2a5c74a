import Posix
import Testing
@testable import Runtime

@Suite("Log")
struct LogTests {
    @Test("a line has the DESIGN.md format: UTC ms timestamp, node, level, quoted msg, fields in order")
    func lineFormat() {
        // 2026-11-22T10:00:00.123Z
        let ms: UInt64 = 1_795_341_600_123
        let line = Log.formatLine(wallMs: ms, node: 1, level: .info, message: "became leader",
                                  fields: ["ballot": "7.1", "slot": 1042])
        #expect(line == "2026-11-22T10:00:00.123Z node=1 level=info msg=\"became leader\" ballot=7.1 slot=1042\n")
    }

    @Test("timestamps: epoch, leap day, end of a year")
    func timestamps() {
        #expect(Log.formatTimestamp(wallMs: 0) == "1970-01-01T00:00:00.000Z")
        #expect(Log.formatTimestamp(wallMs: 951_782_400_000 + 5) == "2000-02-29T00:00:00.005Z")
        #expect(Log.formatTimestamp(wallMs: 1_767_225_599_999) == "2025-12-31T23:59:59.999Z")
    }

    @Test("values with spaces, quotes, '=' or control characters are quoted and escaped")
    func quoting() {
        let line = Log.formatLine(wallMs: 0, node: 3, level: .warn, message: "x",
                                  fields: ["a": "", "b": "p q", "c": "say \"hi\"", "d": "k=v", "e": "l1\nl2", "f": "ok"])
        #expect(line == "1970-01-01T00:00:00.000Z node=3 level=warn msg=x a=\"\" b=\"p q\" c=\"say \\\"hi\\\"\" d=\"k=v\" e=\"l1\\nl2\" f=ok\n")
    }

    @Test("levels below the minimum are dropped without building the message")
    func filtering() {
        let lines = Locked<[String]>([])
        let log = Log(node: 2, minimumLevel: .warn, sink: { line in lines.withLock { $0.append(line) } }, wallClock: { 0 })
        var built = 0
        func expensive() -> String {
            built += 1
            return "costly"
        }
        log.debug(expensive())
        log.info(expensive())
        log.warn("w", ["n": 1])
        log.error("e")
        #expect(built == 0)
        #expect(lines.withLock { $0 } == [
            "1970-01-01T00:00:00.000Z node=2 level=warn msg=w n=1\n",
            "1970-01-01T00:00:00.000Z node=2 level=error msg=e\n",
        ])
        #expect(LogLevel(name: "debug") == .debug && LogLevel(name: "loud") == nil)
    }
}
