// kvctl: the command-line client (DESIGN.md Part 1, `kvctl`).
import Glibc
import Client
import Posix

// A server that drops the connection must not kill us with SIGPIPE.
Posix.ignoreSIGPIPE()

let parser = KvctlArgumentParser(environmentEndpoints: environment("PAXOSKV_ENDPOINTS"))
let exitCode: KvctlExitCode
do {
    let invocation = try parser.parse(rawArguments())
    exitCode = try run(invocation)
} catch {
    Output.error(error.description)
    exitCode = error.exitCode
}
exit(exitCode.rawValue)
