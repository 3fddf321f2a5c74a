import Testing
@testable import Client

@Suite("kvctl trace render arguments")
struct TraceRenderArgumentTests {
    static func parse(_ words: [String]) throws(KvctlFailure) -> TraceRenderOptions {
        let invocation = try KvctlArgumentParser(environmentEndpoints: nil).parse(words.map { Array($0.utf8) })
        guard case .traceRender(let options) = invocation.command else { throw KvctlFailure(.usage, "not trace render") }
        return options
    }

    @Test("files, window, slots, format and output")
    func full() throws {
        let o = try Self.parse(["trace", "render", "a.jsonl", "b.jsonl", "--from", "1.5", "--to", "2500ms", "--slots", "3-9",
                                "--all-heartbeats", "-o", "out.svg"])
        #expect(o.files == ["a.jsonl", "b.jsonl"])
        #expect(o.fromMs == 1_500 && o.toMs == 2_500)
        #expect(o.slots == 3...9)
        #expect(o.allHeartbeats)
        #expect(o.effectiveFormat == .svg)
        let t = try Self.parse(["trace", "render", "a", "--slots", "4", "--format", "text", "-o", "x.svg"])
        #expect(t.slots == 4...4 && t.effectiveFormat == .text)
        #expect(try Self.parse(["trace", "render", "a", "--to", "3s"]).toMs == 3_000)
        #expect(try Self.parse(["trace", "render", "a"]).effectiveFormat == .text)
    }

    @Test("bad arguments say what is wrong", arguments: [
        (["trace"], "trace takes 'render FILE... [options]'"),
        (["trace", "render"], "trace render needs at least one trace FILE"),
        (["trace", "render", "a", "--from", "soon"], "trace render: --from takes seconds after the first event (2.5, 2.5s or 2500ms), got 'soon'"),
        (["trace", "render", "a", "--slots", "9-3"], "trace render: --slots takes A-B with A <= B, got '9-3'"),
        (["trace", "render", "a", "--format", "png"], "trace render: --format is svg or text, got 'png'"),
        (["trace", "render", "a", "--from", "3", "--to", "2"], "trace render: --from is after --to"),
        (["trace", "render", "a", "--colour"], "trace render: unknown option '--colour'"),
        (["trace", "render", "a", "-o"], "trace render: -o needs a value"),
    ])
    func bad(words: [String], message: String) {
        do {
            _ = try Self.parse(words)
            Issue.record("accepted \(words)")
        } catch {
            #expect(error.message.hasPrefix(message + "\n"), "\(error.message)")
        }
    }
}
