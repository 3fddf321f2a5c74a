import Glibc
import Client

/// `kvctl bench`: progress on stderr (one line, rewritten on a terminal), summary on stdout.
func runBench(_ options: BenchOptions, _ endpoints: KvctlEndpoints, timeoutSeconds: Double) -> KvctlExitCode {
    let onTerminal = isatty(STDERR_FILENO) == 1
    let runner = BenchRunner(options: options, endpoints: endpoints.addresses, password: endpoints.password,
                             timeoutSeconds: timeoutSeconds, attemptSeconds: endpoints.requestTimeoutSeconds + 1)
    var printedProgress = false
    let result = runner.run { progress in
        Output.errorRaw(onTerminal ? "\r\u{1B}[K" + progress.line : progress.line + "\n")
        printedProgress = true
    }
    if onTerminal && printedProgress { Output.errorRaw("\n") }
    Output.text(result.report)
    return result.exitCode
}
