import Testing
@testable import Runtime

private func parse(_ words: [String], env: String? = nil) throws(KvctlFailure) -> KvctlInvocation {
    try KvctlArgumentParser(environmentEndpoints: env).parse(words.map { Array($0.utf8) })
}

private func usageError(_ words: [String], env: String? = nil) -> String? {
    do {
        _ = try parse(words, env: env)
        return nil
    } catch {
        return error.exitCode == .usage ? error.message : "exit \(error.exitCode)"
    }
}

private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite("kvctl arguments")
struct KvctlArgumentParserTests {
    @Test("defaults: config/cluster3.conf and a 10 s timeout")
    func defaults() throws {
        let invocation = try parse(["get", "k"])
        #expect(invocation.target == .config(path: "config/cluster3.conf"))
        #expect(invocation.timeoutSeconds == 10)
        #expect(invocation.command == .get(key: b("k")))
    }

    @Test("--endpoints, --config and --timeout, also as --name=value")
    func options() throws {
        let a = try parse(["--endpoints", "127.0.0.1:1,[::1]:2", "--timeout", "2.5", "del", "k"])
        #expect(a.target == .endpoints([HostPort(host: "127.0.0.1", port: 1), HostPort(host: "::1", port: 2)]))
        #expect(a.timeoutSeconds == 2.5)
        #expect(a.command == .del(key: b("k")))
        let c = try parse(["--config=x.conf", "--timeout=1", "status"])
        #expect(c.target == .config(path: "x.conf"))
        #expect(c.command == .status)
    }

    @Test("PAXOSKV_ENDPOINTS is used only when neither option is given")
    func environmentEndpoints() throws {
        #expect(try parse(["status"], env: "h:7").target == .endpoints([HostPort(host: "h", port: 7)]))
        #expect(try parse(["--config", "c", "status"], env: "h:7").target == .config(path: "c"))
        #expect(try parse(["status"], env: "").target == .config(path: "config/cluster3.conf"))
        #expect(usageError(["status"], env: "nope")?.hasPrefix("PAXOSKV_ENDPOINTS: bad endpoint 'nope'") == true)
    }

    @Test("the key commands and their arguments, binary-safe")
    func keyCommands() throws {
        let binary: [UInt8] = [0, 255, 10]
        let put = try KvctlArgumentParser(environmentEndpoints: nil).parse([b("put"), binary, binary])
        #expect(put.command == .put(key: binary, value: .bytes(binary)))
        #expect(try parse(["put", "k", "-"]).command == .put(key: b("k"), value: .stdin))
        #expect(try parse(["cas", "k", "old", "new"]).command == .cas(key: b("k"), expected: b("old"), new: b("new")))
        #expect(try parse(["incr", "k"]).command == .incr(key: b("k"), by: 1))
        #expect(try parse(["incr", "k", "-5"]).command == .incr(key: b("k"), by: -5))
        #expect(try parse(["--", "get", "k"]).command == .get(key: b("k")))
        #expect(try parse(["get", "--"]).command == .get(key: b("--")))
    }

    @Test("bench options with defaults and ranges")
    func bench() throws {
        #expect(try parse(["bench"]).command == .bench(BenchOptions()))
        var expected = BenchOptions()
        expected.clients = 4
        expected.requests = 1_000
        expected.valueSize = 0
        expected.keys = 7
        expected.readPercent = 90
        let words = ["bench", "--clients", "4", "--requests=1000", "--value-size", "0", "--keys", "7", "--reads", "90"]
        #expect(try parse(words).command == .bench(expected))
        #expect(usageError(["bench", "--reads", "101"])?.hasPrefix("bench: --reads must be an integer in 0...100") == true)
        #expect(usageError(["bench", "--clients"])?.hasPrefix("--clients needs a value") == true)
        #expect(usageError(["bench", "--fast", "1"])?.hasPrefix("bench: unknown option '--fast'") == true)
    }

    @Test("help forms")
    func help() throws {
        #expect(try parse(["--help"]).command == .help(topic: nil))
        #expect(try parse(["-h", "get"]).command == .help(topic: nil))
        #expect(try parse(["help"]).command == .help(topic: nil))
        #expect(try parse(["help", "cas"]).command == .help(topic: "cas"))
        #expect(try parse(["put", "--help"]).command == .help(topic: "put"))
        #expect(KvctlHelp.overview.hasPrefix("usage: kvctl [--config FILE | --endpoints HOST:PORT,...] [--timeout SECONDS] COMMAND"))
        for topic in KvctlHelp.topics { #expect(KvctlHelp.text(for: topic).contains("kvctl [OPTIONS] \(topic)")) }
    }

    @Test("usage errors exit 2 and say what is wrong")
    func usageErrors() {
        #expect(usageError([])?.hasPrefix("missing command") == true)
        #expect(usageError(["frob"])?.hasPrefix("unknown command 'frob'") == true)
        #expect(usageError(["get"]) == "get takes KEY, got 0 arguments\nRun 'kvctl help get' for usage.")
        #expect(usageError(["put", "k"])?.hasPrefix("put takes KEY VALUE, got 1 argument") == true)
        #expect(usageError(["status", "x"])?.hasPrefix("status takes no arguments") == true)
        #expect(usageError(["incr", "k", "x"])?.hasPrefix("incr: BY must be an integer") == true)
        #expect(usageError(["--timeout", "0", "status"])?.hasPrefix("--timeout needs a number of seconds above 0") == true)
        #expect(usageError(["--config", "a", "--endpoints", "h:1", "status"])?.hasPrefix("give --config or --endpoints, not both") == true)
        #expect(usageError(["--verbose", "status"])?.hasPrefix("unknown option '--verbose'") == true)
        #expect(usageError(["--endpoints", "h:0", "status"])?.hasPrefix("--endpoints: bad endpoint 'h:0'") == true)
        #expect(usageError(["help", "frob"])?.hasPrefix("no help for unknown command 'frob'") == true)
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
