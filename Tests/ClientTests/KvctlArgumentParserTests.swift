import Config
import Testing
@testable import Client

private func kvctlParse(_ words: [String], env: String? = nil) throws(KvctlFailure) -> KvctlInvocation {
    try KvctlArgumentParser(environmentEndpoints: env).parse(words.map { Array($0.utf8) })
}

private func kvctlUsageError(_ words: [String], env: String? = nil) -> String? {
    do {
        _ = try kvctlParse(words, env: env)
        return nil
    } catch {
        return error.exitCode == .usage ? error.message : "exit \(error.exitCode)"
    }
}

private func kvctlBytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite("kvctl arguments")
struct KvctlArgumentParserTests {
    @Test("defaults: config/cluster3.conf and a 10 s timeout")
    func defaults() throws {
        let invocation = try kvctlParse(["get", "k"])
        #expect(invocation.target == .config(path: "config/cluster3.conf"))
        #expect(invocation.timeoutSeconds == 10)
        #expect(invocation.command == .get(key: kvctlBytes("k")))
    }

    @Test("--endpoints, --config and --timeout, also as --name=value")
    func options() throws {
        let a = try kvctlParse(["--endpoints", "127.0.0.1:1,[::1]:2", "--timeout", "2.5", "del", "k"])
        #expect(a.target == .endpoints([HostPort(host: "127.0.0.1", port: 1), HostPort(host: "::1", port: 2)]))
        #expect(a.timeoutSeconds == 2.5)
        #expect(a.command == .del(key: kvctlBytes("k")))
        let c = try kvctlParse(["--config=x.conf", "--timeout=1", "status"])
        #expect(c.target == .config(path: "x.conf"))
        #expect(c.command == .status)
    }

    @Test("PAXOSKV_ENDPOINTS is used only when neither option is given")
    func environmentEndpoints() throws {
        #expect(try kvctlParse(["status"], env: "h:7").target == .endpoints([HostPort(host: "h", port: 7)]))
        #expect(try kvctlParse(["--config", "c", "status"], env: "h:7").target == .config(path: "c"))
        #expect(try kvctlParse(["status"], env: "").target == .config(path: "config/cluster3.conf"))
        #expect(kvctlUsageError(["status"], env: "nope")?.hasPrefix("PAXOSKV_ENDPOINTS: bad endpoint 'nope'") == true)
    }

    @Test("the key commands and their arguments, binary-safe")
    func keyCommands() throws {
        let binary: [UInt8] = [0, 255, 10]
        let put = try KvctlArgumentParser(environmentEndpoints: nil).parse([kvctlBytes("put"), binary, binary])
        #expect(put.command == .put(key: binary, value: .bytes(binary)))
        #expect(try kvctlParse(["put", "k", "-"]).command == .put(key: kvctlBytes("k"), value: .stdin))
        #expect(try kvctlParse(["cas", "k", "old", "new"]).command == .cas(key: kvctlBytes("k"), expected: kvctlBytes("old"), new: kvctlBytes("new")))
        #expect(try kvctlParse(["incr", "k"]).command == .incr(key: kvctlBytes("k"), by: 1))
        #expect(try kvctlParse(["incr", "k", "-5"]).command == .incr(key: kvctlBytes("k"), by: -5))
        #expect(try kvctlParse(["--", "get", "k"]).command == .get(key: kvctlBytes("k")))
        #expect(try kvctlParse(["get", "--"]).command == .get(key: kvctlBytes("--")))
    }

    @Test("bench options with defaults and ranges")
    func bench() throws {
        #expect(try kvctlParse(["bench"]).command == .bench(BenchOptions()))
        var expected = BenchOptions()
        expected.clients = 4
        expected.requests = 1_000
        expected.valueSize = 0
        expected.keys = 7
        expected.readPercent = 90
        let words = ["bench", "--clients", "4", "--requests=1000", "--value-size", "0", "--keys", "7", "--reads", "90"]
        #expect(try kvctlParse(words).command == .bench(expected))
        #expect(kvctlUsageError(["bench", "--reads", "101"])?.hasPrefix("bench: --reads must be an integer in 0...100") == true)
        #expect(kvctlUsageError(["bench", "--clients"])?.hasPrefix("--clients needs a value") == true)
        #expect(kvctlUsageError(["bench", "--fast", "1"])?.hasPrefix("bench: unknown option '--fast'") == true)
    }

    @Test("help forms")
    func help() throws {
        #expect(try kvctlParse(["--help"]).command == .help(topic: nil))
        #expect(try kvctlParse(["-h", "get"]).command == .help(topic: nil))
        #expect(try kvctlParse(["help"]).command == .help(topic: nil))
        #expect(try kvctlParse(["help", "cas"]).command == .help(topic: "cas"))
        #expect(try kvctlParse(["put", "--help"]).command == .help(topic: "put"))
        #expect(KvctlHelp.overview.hasPrefix("usage: kvctl [--config FILE | --endpoints HOST:PORT,...] [--timeout SECONDS] COMMAND"))
        for topic in KvctlHelp.topics { #expect(KvctlHelp.text(for: topic).contains("kvctl [OPTIONS] \(topic)")) }
    }

    @Test("usage errors exit 2 and say what is wrong")
    func usageErrors() {
        #expect(kvctlUsageError([])?.hasPrefix("missing command") == true)
        #expect(kvctlUsageError(["frob"])?.hasPrefix("unknown command 'frob'") == true)
        #expect(kvctlUsageError(["get"]) == "get takes KEY, got 0 arguments\nRun 'kvctl help get' for usage.")
        #expect(kvctlUsageError(["put", "k"])?.hasPrefix("put takes KEY VALUE, got 1 argument") == true)
        #expect(kvctlUsageError(["status", "x"])?.hasPrefix("status takes no arguments") == true)
        #expect(kvctlUsageError(["incr", "k", "x"])?.hasPrefix("incr: BY must be an integer") == true)
        #expect(kvctlUsageError(["--timeout", "0", "status"])?.hasPrefix("--timeout needs a number of seconds above 0") == true)
        #expect(kvctlUsageError(["--config", "a", "--endpoints", "h:1", "status"])?.hasPrefix("give --config or --endpoints, not both") == true)
        #expect(kvctlUsageError(["--verbose", "status"])?.hasPrefix("unknown option '--verbose'") == true)
        #expect(kvctlUsageError(["--endpoints", "h:0", "status"])?.hasPrefix("--endpoints: bad endpoint 'h:0'") == true)
        #expect(kvctlUsageError(["help", "frob"])?.hasPrefix("no help for unknown command 'frob'") == true)
    }

    @Test("a missing config file is a config error (exit 2) with a hint for the default path")
    func missingConfig() {
        #expect {
            _ = try KvctlEndpoints.resolve(.config(path: "config/cluster3.conf-missing"), environmentPassword: nil)
        } throws: { ($0 as? KvctlFailure)?.exitCode == .usage }
        do {
            _ = try KvctlEndpoints.resolve(.config(path: "/nonexistent/config/cluster3.conf"), environmentPassword: nil)
            Issue.record("expected a failure")
        } catch {
            #expect(error.exitCode == .usage)
        }
    }
}
