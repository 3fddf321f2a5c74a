/// kvctl's help texts: `--help` and `help COMMAND`.
public enum KvctlHelp {
    static let topics = ["get", "put", "del", "cas", "incr", "status", "bench", "snapshot", "member", "watch", "trace", "help"]

    /// One line per command: its arguments, then what it does.
    private static let commands: [(name: String, arguments: String, summary: String)] = [
        ("get", "KEY", "print the value and a newline (exit 1 when not found)"),
        ("put", "KEY VALUE", "write VALUE; 'put KEY -' reads the value from stdin"),
        ("del", "KEY", "delete; prints how many keys were deleted"),
        ("cas", "KEY EXPECTED NEW", "set NEW if the value is EXPECTED (exit 1 when it is not)"),
        ("incr", "KEY [BY]", "add BY (default 1) and print the new integer"),
        ("status", "", "one row per node: state, role, leader, ballot, commit, applied, WAL size"),
        ("bench", "[--clients N] [--requests N] [--value-size B] [--keys K] [--reads PCT]",
         "load the cluster; prints throughput and latency p50/p99/p99.9"),
        ("snapshot", "save FILE", "write a consistent backup of the whole cluster to FILE"),
        ("member", "list | add ID PEER CLIENT | remove ID", "show or change the cluster's members, one at a time"),
        ("watch", "[PREFIX]", "print each applied change of keys with PREFIX: SLOT EVENT KEY [VALUE]"),
        ("trace", "render FILE... [--from T] [--to T] [--slots A-B] [--format svg|text] [--all-heartbeats] [-o OUT]",
         "draw a message-sequence chart of trace files (paxosd --trace, paxos-sim --trace-json)"),
        ("help", "[COMMAND]", "show help"),
    ]

    static func synopsis(_ name: String) -> String {
        commands.first { $0.name == name }.map(\.arguments) ?? ""
    }

    public static let overview: String = {
        var lines = [
            "usage: kvctl [--config FILE | --endpoints HOST:PORT,...] [--timeout SECONDS] COMMAND ...",
            "",
            "Commands:",
        ]
        let width = commands.map { ($0.name + " " + $0.arguments).count }.filter { $0 <= 22 }.max() ?? 0
        for command in commands {
            let head = command.arguments.isEmpty ? command.name : command.name + " " + command.arguments
            if head.count <= width {
                lines.append("  " + head.rightPadded(to: width) + "  " + command.summary)
            } else {
                lines.append("  " + head)
                lines.append("  " + "".rightPadded(to: width) + "  " + command.summary)
            }
        }
        lines += [
            "",
            "Options:",
            "  --config FILE        cluster config (default \(KvctlInvocation.defaultConfigPath))",
            "  --endpoints LIST     client addresses HOST:PORT,... instead of a config",
            "                       (PAXOSKV_ENDPOINTS does the same when neither option is given)",
            "  --timeout SECONDS    give up after this long (default \(Int(KvctlInvocation.defaultTimeoutSeconds)))",
            "",
            "Exit status: 0 done; 1 key not found (get) or CAS mismatch; 2 usage, config",
            "or request error; 3 cluster unavailable or outcome unknown (the message says which).",
            "Writes go through RID with a per-process client id, so retries after a failover apply once.",
        ]
        return lines.joined(separator: "\n") + "\n"
    }()

    /// Help for one command.
    public static func text(for topic: String) -> String {
        let head = "usage: kvctl [OPTIONS] \(topic)" + (synopsis(topic).isEmpty ? "" : " " + synopsis(topic))
        let summary = commands.first { $0.name == topic }?.summary ?? ""
        var lines = [head, "", summary]
        switch topic {
        case "get":
            lines.append("Reads are linearizable; any node answers (followers ask the leader).")
        case "put", "del", "cas", "incr":
            lines.append("Sent as 'RID <client-id> <seq> ...': a retry after a dropped connection or")
            lines.append("-TIMEOUT reuses the seq, so the write applies at most once. Exit 3 says")
            lines.append("whether the write was not applied (NOQUORUM) or its outcome is unknown (TIMEOUT).")
        case "status":
            lines.append("Asks every node for 'INFO paxos'. Exit 0 when some node is leader, else 3.")
        case "snapshot":
            lines += [
                "Sends SNAPSHOT: the leader answers at a read index, so the backup holds every",
                "write acknowledged before the command was sent and none sent after its answer.",
                "FILE is written atomically (FILE.tmp, fdatasync, rename) in the snapshot format",
                "(zlib, CRC-32); prints its slot, keys and bytes. Restore every node of a new",
                "cluster from it with 'paxosd --config FILE --id N --restore BACKUP'.",
            ]
        case "member":
            lines += [
                "list: MEMBERS from one node: id, peer and client address, state (voter,",
                "learner or joining) and whether that node reaches it.",
                "add: start the new node first with 'paxosd --config FILE --id ID --join'",
                "(FILE: its own [node.ID] section and a member's), then add it; it catches",
                "up and votes once the change is committed. remove: a removed node exits;",
                "a leader hands over first. One change at a time (-BUSY otherwise).",
            ]
        case "watch":
            lines += [
                "Sends 'CHANGES PREFIX' to one node, which streams every change it applies to",
                "a key with PREFIX, in log order: slot, event (set, del, expire, expired,",
                "incrby, append, rename_from, ...), key, and the value it left (none when the",
                "key is gone). Runs until interrupted. If the node goes away it moves to",
                "another one and says so: changes applied in between are not shown.",
            ]
        case "trace":
            lines += [
                "Merges the JSON-lines traces of 'paxosd --trace FILE' (one per node) or",
                "'paxos-sim --trace-json FILE' in causal order and draws one lifeline per node,",
                "an arrow per message coloured by ballot, chosen slots as green dots, elections",
                "and partitions shaded, and a node's time down as a break in its lifeline.",
                "Needs no cluster: it only reads the files.",
                "  --from T, --to T   only events from/to T after the first one (2.5, 2.5s, 2500ms)",
                "  --slots A-B        only events about slots A to B",
                "  --format F         svg or text (default: svg when OUT ends in .svg, else text)",
                "  --all-heartbeats   draw every Heartbeat, HeartbeatAck and Status instead of",
                "                     one line counting those between two other events",
                "  -o OUT             write to OUT instead of standard output",
            ]
        case "bench":
            lines += [
                "  --clients N      connections, one thread each, spread over the nodes (default 50)",
                "  --requests N     total requests (default 100000)",
                "  --value-size B   bytes per value (default 100)",
                "  --keys K         distinct keys (default 10000)",
                "  --reads PCT      percentage of GETs; the rest are RID SETs (default 50)",
                "Progress goes to stderr once a second; the summary to stdout.",
            ]
        default:
            break
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// Pads with spaces on the right to `width` characters.
    func rightPadded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Pads with spaces on the left to `width` characters.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
