import Client

/// Runs one parsed command line; a failure carries its exit status.
func run(_ invocation: KvctlInvocation) throws(KvctlFailure) -> KvctlExitCode {
    if case .help(let topic) = invocation.command {
        Output.text(topic.map(KvctlHelp.text(for:)) ?? KvctlHelp.overview)
        return .ok
    }
    if case .traceRender(let options) = invocation.command { return try runTraceRender(options) }
    let endpoints = try KvctlEndpoints.resolve(invocation.target, environmentPassword: environment("PAXOSKV_PASSWORD"))
    switch invocation.command {
    case .status:
        return runStatus(endpoints, timeoutSeconds: invocation.timeoutSeconds)
    case .bench(let options):
        return runBench(options, endpoints, timeoutSeconds: invocation.timeoutSeconds)
    case .watch(let prefix):
        return runWatch(prefix, endpoints, timeoutSeconds: invocation.timeoutSeconds)
    default:
        // Start at a random endpoint: spreads single commands over the nodes.
        // An attempt outlasts the server's request timeout: giving up first
        // would turn its definite -NOQUORUM into "outcome unknown".
        let client = KvctlClient(endpoints: endpoints.addresses, password: endpoints.password,
                                 timeoutSeconds: invocation.timeoutSeconds,
                                 attemptSeconds: min(invocation.timeoutSeconds, endpoints.requestTimeoutSeconds + 1),
                                 writeRetryFloorSeconds: endpoints.writeRetryFloorSeconds,
                                 startIndex: Int.random(in: 0..<endpoints.nodes.count))
        defer { client.close() }
        switch invocation.command {
        case .snapshotSave(let path): return try runSnapshotSave(path, client)
        case .memberList, .memberAdd, .memberRemove: return try runMember(invocation.command, client)
        default: break
        }
        return try runKeyCommand(invocation.command, client)
    }
}
