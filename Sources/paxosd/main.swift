import Glibc
import Config
import Posix
import Runtime

// paxosd --config FILE --id N [--bootstrap] [--log-level debug|info|warn|error] (and testing-only flags: see --help)
// paxosd --config FILE --id N --restore BACKUP   (initialises an empty data directory, exits 0)
// Exit status: 0 after SIGTERM/SIGINT; 2 usage or config error; 3 data
// directory locked or corrupt, a port that cannot be bound, or a fatal WAL
// write/fdatasync error.

let arguments: DaemonArguments
switch DaemonArguments.parse(Array(CommandLine.arguments.dropFirst())) {
case .run(let parsed):
    arguments = parsed
case .help:
    print(DaemonArguments.usage)
    exit(0)
case .usageError(let message):
    failAndExit("\(message)\n\(DaemonArguments.usage)", status: 2)
}

let config: ClusterConfig
do {
    config = try ClusterConfig.load(path: arguments.configPath, reading: readTextFile)
} catch {
    failAndExit("\(error)", status: 2)
}

Posix.ignoreSIGPIPE()
unblockStopSignals()
let log = Log(node: arguments.id, minimumLevel: arguments.logLevel)
if let backup = arguments.restorePath {
    do {
        let done = try Restore.run(config: config, id: arguments.id, backupPath: backup, log: log)
        print("restored \(backup) into \(done.dataDirectory): slot \(done.slot), \(done.keys) keys")
        exit(0)
    } catch {
        failAndExit(error.message, status: error.exitCode)
    }
}
do {
    let node = try Node(config: config, id: arguments.id, log: log, options: arguments.options)
    try node.run()
} catch {
    failAndExit(error.message, status: error.exitCode)
}
exit(0)
