import Glibc

// storage-bench: measures the write-ahead log and runs its large checks.
// See Usage.swift for the modes.
let arguments = Array(CommandLine.arguments.dropFirst())

func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}

if arguments.contains("--help") || arguments.contains("-h") {
    print(usage)
    exit(0)
}
if let dir = option("--crash-child") {
    runCrashChild(directory: dir)  // never returns
}
let base = option("--dir") ?? "."
let runs = Int(option("--runs") ?? "3") ?? 3
let seconds = Double(option("--seconds") ?? "2") ?? 2
do {
    if arguments.contains("--rotation") {
        try runRotationBench(base: base, runs: runs)
        exit(0)
    }
    if arguments.contains("--large") {
        exit(try runLargeChecks(base: base) ? 0 : 1)
    }
    try runThroughputBench(base: base, runs: runs, seconds: seconds)
} catch {
    printError("storage-bench: \(error)")
    exit(1)
}
