import Chaos
import Checker
import Glibc

// paxos-chaos: a linearizability test of real paxosd processes under faults
// (see --help). scripts/chaos.sh builds and runs it.

/// Prints a line to stdout at once (the fault log is read live).
func say(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}

func fail(_ message: String, status: Int32) -> Never {
    let line = Array("paxos-chaos: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(status)
}

signal(SIGPIPE, SIG_IGN)
killChildrenOnInterrupt { killed in
    say("paxos-chaos: interrupted; killed \(killed) daemon process(es); the run directory keeps their logs")
}
switch ChaosArguments.parse(Array(CommandLine.arguments.dropFirst())) {
case .failure(let error):
    fail("\(error)\n\(ChaosArguments.usage)", status: 2)
case .success(.help):
    say(ChaosArguments.usage)
case .success(.check(let path, let seconds)):
    exit(HistoryCheck.run(path: path, seconds: seconds, say: say))
case .success(.run(let options)):
    say("paxos-chaos: run directory \(options.runDirectory)")
    do {
        let result = try ChaosRun.run(options, say: say)
        say(ChaosRun.report(result))
        say("run directory: \(options.runDirectory) (node logs, history.jsonl, report.txt)")
        exit(result.exitCode)
    } catch {
        fail("\(error)", status: 3)
    }
}
