import Config

/// Parses kvctl's command line. Arguments are bytes because keys and values
/// may be any bytes (argv is not always UTF-8); option names are ASCII.
///
///     kvctl [--config FILE | --endpoints HOST:PORT,...] [--timeout SECONDS] COMMAND ...
public struct KvctlArgumentParser {
    /// `PAXOSKV_ENDPOINTS`, used when neither `--config` nor `--endpoints` is given.
    public var environmentEndpoints: String?

    public init(environmentEndpoints: String?) {
        self.environmentEndpoints = environmentEndpoints
    }

    /// `arguments` excludes the program name.
    public func parse(_ arguments: [[UInt8]]) throws(KvctlFailure) -> KvctlInvocation {
        var configPath: String?
        var endpoints: [HostPort]?
        var timeout = KvctlInvocation.defaultTimeoutSeconds
        var rest = arguments[...]
        while let first = rest.first, first.first == UInt8(ascii: "-") {
            let (name, inline) = splitOption(first)
            rest = rest.dropFirst()
            switch name {
            case "--":
                break
            case "-h", "--help":
                return KvctlInvocation(target: .config(path: KvctlInvocation.defaultConfigPath),
                                       timeoutSeconds: timeout, command: .help(topic: nil))
            case "--config":
                configPath = try value(of: name, inline, &rest)
                continue
            case "--endpoints":
                endpoints = try KvctlEndpoints.parse(try value(of: name, inline, &rest), what: "--endpoints")
                continue
            case "--timeout":
                let text = try value(of: name, inline, &rest)
                guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
                    throw usage("--timeout needs a number of seconds above 0, got '\(text)'")
                }
                timeout = seconds
                continue
            default:
                throw usage("unknown option '\(name)'")
            }
            break  // only "--" gets here
        }
        if configPath != nil && endpoints != nil { throw usage("give --config or --endpoints, not both") }
        let target: KvctlTarget
        if let endpoints {
            target = .endpoints(endpoints)
        } else if let configPath {
            target = .config(path: configPath)
        } else if let env = environmentEndpoints, !env.isEmpty {
            target = .endpoints(try KvctlEndpoints.parse(env, what: "PAXOSKV_ENDPOINTS"))
        } else {
            target = .config(path: KvctlInvocation.defaultConfigPath)
        }
        guard let name = rest.first else { throw usage("missing command") }
        let command = try parseCommand(kvctlText(name), Array(rest.dropFirst()))
        return KvctlInvocation(target: target, timeoutSeconds: timeout, command: command)
    }

    private func parseCommand(_ name: String, _ args: [[UInt8]]) throws(KvctlFailure) -> KvctlCommand {
        if let first = args.first, ["--help", "-h"].contains(kvctlText(first)), KvctlHelp.topics.contains(name) {
            return .help(topic: name)
        }
        switch name {
        case "get":
            try arity(name, args, 1)
            return .get(key: args[0])
        case "put":
            try arity(name, args, 2)
            return .put(key: args[0], value: args[1] == [UInt8(ascii: "-")] ? .stdin : .bytes(args[1]))
        case "del":
            try arity(name, args, 1)
            return .del(key: args[0])
        case "cas":
            try arity(name, args, 3)
            return .cas(key: args[0], expected: args[1], new: args[2])
        case "incr":
            guard args.count == 1 || args.count == 2 else { throw usage("incr takes KEY [BY]", topic: name) }
            var by: Int64 = 1
            if args.count == 2 {
                guard let n = Int64(kvctlText(args[1])) else { throw usage("incr: BY must be an integer, got '\(kvctlText(args[1]))'", topic: name) }
                by = n
            }
            return .incr(key: args[0], by: by)
        case "status":
            try arity(name, args, 0)
            return .status
        case "bench":
            return .bench(try parseBench(args))
        case "snapshot":
            guard args.count == 2, kvctlText(args[0]) == "save", !args[1].isEmpty else {
                throw usage("snapshot takes 'save FILE'", topic: name)
            }
            return .snapshotSave(path: kvctlText(args[1]))
        case "member":
            return try parseMember(args)
        case "watch":
            guard args.count <= 1 else { throw usage("watch takes [PREFIX]", topic: name) }
            return .watch(prefix: args.first ?? [])
        case "trace":
            return .traceRender(try parseTraceRender(args))
        case "help":
            guard args.count <= 1 else { throw usage("help takes at most one COMMAND") }
            guard let topic = args.first.map(kvctlText) else { return .help(topic: nil) }
            guard KvctlHelp.topics.contains(topic) else { throw usage("no help for unknown command '\(topic)'") }
            return .help(topic: topic)
        default:
            throw usage("unknown command '\(name)'")
        }
    }

    private func parseTraceRender(_ args: [[UInt8]]) throws(KvctlFailure) -> TraceRenderOptions {
        guard let first = args.first, kvctlText(first) == "render" else {
            throw usage("trace takes 'render FILE... [options]'", topic: "trace")
        }
        var options = TraceRenderOptions()
        var rest = args.dropFirst().map(kvctlText)[...]
        func value(_ flag: String) throws(KvctlFailure) -> String {
            guard let v = rest.popFirst() else { throw usage("trace render: \(flag) needs a value", topic: "trace") }
            return v
        }
        while let arg = rest.popFirst() {
            switch arg {
            case "--from", "--to":
                let text = try value(arg)
                guard let ms = TraceRenderOptions.parseTime(text) else {
                    throw usage("trace render: \(arg) takes seconds after the first event (2.5, 2.5s or 2500ms), got '\(text)'", topic: "trace")
                }
                if arg == "--from" { options.fromMs = ms } else { options.toMs = ms }
            case "--slots":
                let text = try value(arg)
                guard let slots = TraceRenderOptions.parseSlots(text) else {
                    throw usage("trace render: --slots takes A-B with A <= B, got '\(text)'", topic: "trace")
                }
                options.slots = slots
            case "--format":
                let text = try value(arg)
                guard let format = TraceRenderOptions.Format(rawValue: text) else {
                    throw usage("trace render: --format is svg or text, got '\(text)'", topic: "trace")
                }
                options.format = format
            case "--all-heartbeats":
                options.allHeartbeats = true
            case "-o", "--output":
                options.output = try value(arg)
            default:
                guard !arg.hasPrefix("-") || arg == "-" else { throw usage("trace render: unknown option '\(arg)'", topic: "trace") }
                options.files.append(arg)
            }
        }
        guard !options.files.isEmpty else { throw usage("trace render needs at least one trace FILE", topic: "trace") }
        if let from = options.fromMs, let to = options.toMs, from > to {
            throw usage("trace render: --from is after --to", topic: "trace")
        }
        return options
    }

    private func parseMember(_ args: [[UInt8]]) throws(KvctlFailure) -> KvctlCommand {
        let usageText = "member takes 'list', 'add ID PEER CLIENT' or 'remove ID'"
        guard let sub = args.first.map(kvctlText) else { throw usage(usageText, topic: "member") }
        func id(_ text: [UInt8]) throws(KvctlFailure) -> Int {
            guard let n = Int(kvctlText(text)), (1...255).contains(n) else {
                throw usage("member: ID must be 1...255, got '\(kvctlText(text))'", topic: "member")
            }
            return n
        }
        func address(_ text: [UInt8], _ what: String) throws(KvctlFailure) -> HostPort {
            switch HostPort.parse(kvctlText(text)) {
            case .success(let a): return a
            case .failure(let e): throw usage("member add: bad \(what) address '\(kvctlText(text))': \(e)", topic: "member")
            }
        }
        switch sub {
        case "list" where args.count == 1:
            return .memberList
        case "add" where args.count == 4:
            return .memberAdd(id: try id(args[1]), peer: try address(args[2], "peer"), client: try address(args[3], "client"))
        case "remove" where args.count == 2:
            return .memberRemove(id: try id(args[1]))
        default:
            throw usage(usageText, topic: "member")
        }
    }

    private func parseBench(_ args: [[UInt8]]) throws(KvctlFailure) -> BenchOptions {
        var options = BenchOptions()
        var rest = args[...]
        while let first = rest.first {
            let (name, inline) = splitOption(first)
            rest = rest.dropFirst()
            let text = try value(of: name, inline, &rest)
            switch name {
            case "--clients": options.clients = try integer(name, text, 1...10_000)
            case "--requests": options.requests = try integer(name, text, 1...100_000_000)
            case "--value-size": options.valueSize = try integer(name, text, 0...(1 << 20))
            case "--keys": options.keys = try integer(name, text, 1...1_000_000_000)
            case "--reads": options.readPercent = try integer(name, text, 0...100)
            default: throw usage("bench: unknown option '\(name)'", topic: "bench")
            }
        }
        return options
    }

    /// `--name=value` → ("--name", "value"); anything else → (text, nil).
    private func splitOption(_ argument: [UInt8]) -> (String, String?) {
        let s = kvctlText(argument)
        guard s.hasPrefix("--"), let eq = s.firstIndex(of: "=") else { return (s, nil) }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }

    private func value(of name: String, _ inline: String?, _ rest: inout ArraySlice<[UInt8]>) throws(KvctlFailure) -> String {
        if let inline { return inline }
        guard let next = rest.first else { throw usage("\(name) needs a value") }
        rest = rest.dropFirst()
        return kvctlText(next)
    }

    private func integer(_ name: String, _ text: String, _ range: ClosedRange<Int>) throws(KvctlFailure) -> Int {
        guard let n = Int(text), range.contains(n) else {
            throw usage("bench: \(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'", topic: "bench")
        }
        return n
    }

    private func arity(_ name: String, _ args: [[UInt8]], _ count: Int) throws(KvctlFailure) {
        guard args.count != count else { return }
        throw usage("\(name) takes \(count == 0 ? "no arguments" : KvctlHelp.synopsis(name)), got \(args.count) argument\(args.count == 1 ? "" : "s")", topic: name)
    }

    private func usage(_ message: String, topic: String? = nil) -> KvctlFailure {
        let hint = topic.map { "kvctl help \($0)" } ?? "kvctl --help"
        return KvctlFailure(.usage, "\(message)\nRun '\(hint)' for usage.")
    }
}

/// Bytes as text for messages and option names; invalid UTF-8 shows as U+FFFD.
func kvctlText(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
