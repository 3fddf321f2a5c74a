import PaxosCore
import Simulator
import Posix
import Trace

#if canImport(Glibc)
import Glibc
#endif

let usage = """
usage: paxos-sim [--nodes 3|5] [--seeds N] [--seed S] [--jobs J] [--steps MS] [--bug NAME]... [--trace] [--trace-json FILE]

Runs the consensus core in a deterministic simulation: simulated network
(loss, duplication, reordering, delay, partitions), disks that lose unsynced
records at a crash, crashes and restarts, and clients doing writes and
linearizable reads. After every step it checks agreement and validity; after
healing, liveness, durability of acknowledged writes and read linearizability.

  --nodes N     cluster size, 3 or 5 (default 3)
  --seeds N     how many seeds to run, from --seed (default 100)
  --seed S      first seed (default 1); with --seeds 1, replays exactly that run
  --jobs J      run seeds on J threads (default: one per core, but one with
                --bug: a defect may trip a core precondition in a later seed,
                which ends the process before the first seed's verdict);
                prints seeds/s
  --steps MS    simulated milliseconds of faults per seed (default 4000)
  --bug NAME    switch on a deliberate core defect, to show the checks catch it:
                \(Bug.allCases.map(\.rawValue).joined(separator: ", "))
  --trace       print every event of the run (use with one seed)
  --trace-json FILE
                write the run's protocol events as JSON lines with vector
                clocks (one seed only), for `kvctl trace render` and ShiViz
  --help        this text

Exit status: 0 no violation; 1 a violation (the command that replays the
first one is printed) or a multi-seed run that never exercised some fault;
2 usage error.
"""

/// Writes to standard error without touching C's global `stderr`.
func printError(_ s: String) {
    var bytes = Array(s.utf8)
    bytes.append(10)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    printError("paxos-sim: \(message)\n\(usage)")
    exit(2)
}

func run() {

var nodes = 3
var seeds = 100
var firstSeed: UInt64 = 1
var steps: UInt64? = nil
var bugs: Set<Bug> = []
var trace = false
var traceJSON: String? = nil
var seedGiven = false
var seedsGiven = false
var jobs: Int? = nil

var args = CommandLine.arguments.dropFirst()
func value(_ flag: String) -> String {
    guard let v = args.popFirst() else { fail("\(flag) needs a value") }
    return v
}
while let arg = args.popFirst() {
    switch arg {
    case "--nodes":
        guard let n = Int(value(arg)), n == 3 || n == 5 else { fail("--nodes must be 3 or 5") }
        nodes = n
    case "--seeds":
        guard let n = Int(value(arg)), n > 0 else { fail("--seeds must be a positive number") }
        seeds = n
        seedsGiven = true
    case "--seed":
        guard let s = UInt64(value(arg)) else { fail("--seed must be a number") }
        firstSeed = s
        seedGiven = true
    case "--steps":
        guard let s = UInt64(value(arg)), s >= 100 else { fail("--steps must be at least 100") }
        steps = s
    case "--jobs":
        guard let j = Int(value(arg)), (1...256).contains(j) else { fail("--jobs must be 1 to 256") }
        jobs = j
    case "--bug":
        let name = value(arg)
        guard let bug = Bug(rawValue: name) else { fail("unknown bug '\(name)'") }
        bugs.insert(bug)
    case "--trace":
        trace = true
    case "--trace-json":
        traceJSON = value(arg)
    case "--help", "-h":
        print(usage)
        exit(0)
    default:
        fail("unknown argument '\(arg)'")
    }
}
if seedGiven && !seedsGiven { seeds = 1 }
if traceJSON != nil, seeds != 1 { fail("--trace-json records one run: give --seed S (and --seeds 1)") }

if seeds == 1 {
    var options = SimOptions.derived(seed: firstSeed, nodes: nodes, bugs: bugs)
    if let steps { options.faultMs = steps }
    options.trace = trace
    options.recordsTrace = traceJSON != nil
    var sim = Simulation(options: options)
    let result = sim.run()
    if let path = traceJSON {
        let events = sim.traceEvents
        do throws(IOError) {
            try Posix.writeTextFile(path, events.map { TraceLine.encode($0) + "\n" }.joined())
        } catch {
            printError("paxos-sim: cannot write the trace: \(error)")
            exit(2)
        }
        printError("paxos-sim: wrote \(events.count) trace events to \(path)")
    }
    print("seed \(firstSeed): \(sim.counters.summary)")
    switch result {
    case .success:
        print("violations: 0")
        exit(0)
    case .failure(let v):
        print("violations: 1")
        print("caught by: \(v.check.rawValue)")
        print("violation: \(v)")
        print("replay: \(options.replayCommand) --trace")
        exit(1)
    }
}

let startedNs = SystemClock.monotonicNs()
let lastTenth = Locked(0)
let total = seeds
let jobCount = jobs ?? (bugs.isEmpty ? max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) : 1)
let sweep = ParallelSweep(nodes: nodes, firstSeed: firstSeed, count: seeds, jobs: jobCount, bugs: bugs, faultMs: steps)
let summary = sweep.run { done in
    guard total >= 100 else { return }
    let tenth = done * 10 / total
    let isNew = lastTenth.withLock { last -> Bool in
        guard tenth > last else { return false }
        last = tenth
        return true
    }
    if isNew { printError("paxos-sim: \(done)/\(total) seeds") }
}
let seconds = Double(SystemClock.monotonicNs() - startedNs) / 1e9
let c = summary.counters
print("seeds: \(summary.seeds) nodes: \(nodes) simulated_ms_per_seed: \(steps ?? SimOptions().faultMs) jobs: \(jobCount)")
print("seeds/s: \(Int((Double(summary.seeds) / max(seconds, 1e-9)).rounded())) (\(Int(seconds.rounded())) s)")
print("commands committed: \(c.writesAcked) slots chosen: \(c.slotsChosen) leader changes: \(c.leaderChanges) messages: \(c.messages)")
print("faults: \(c.summary)")
print("violations: \(summary.violations)")
if let (options, v) = summary.firstFailure {
    print("caught by: \(v.check.rawValue)")
    print("first violation (seed \(options.seed)): \(v)")
    print("replay: \(options.replayCommand) --trace")
    exit(1)
}
if summary.seeds >= 20, !summary.missing.isEmpty {
    print("too few faults: never exercised \(summary.missing.joined(separator: ", "))")
    exit(1)
}
exit(0)
}

run()
