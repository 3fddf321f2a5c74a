import Glibc
import Posix
import Testing
import Wire

extension ClusterSuite {
    /// The order of system calls, seen by strace on all three nodes: a
    /// client's `+OK` leaves the leader only after fdatasync has made its
    /// write durable on a majority (DESIGN §2 Storage: written and
    /// fdatasync'ed before the message that depends on it leaves the node;
    /// §3 Durability).
    @Suite("Cluster: durability (fsync before +OK, under strace)")
    struct DurabilityFsyncOrderTests {
        /// Slower timers: strace stops every traced call, and a needless
        /// election in the middle would only blur the trace.
        static let tuning = ["heartbeat_ms": 100, "election_timeout_ms": 1_500]

        @Test("every +OK to a client leaves the leader after fdatasyncs that began after the WAL write of that SET returned on a majority")
        func fsyncBeforeReply() throws {
            // ptrace may be forbidden (containers without CAP_SYS_PTRACE): fail and say so.
            let cluster = try TestCluster(size: 3, tuning: Self.tuning)
            defer { cluster.stopAll() }
            let probe = try InteropTool.run("strace", ["-f", "-o", "/dev/null", "true"], in: cluster.directory, tag: "strace-probe", timeoutMs: 10_000)
            guard probe.status == 0 else {
                Issue.record("""
                    strace cannot trace here (ptrace not permitted?): `strace -f true` \(probe.output)
                    Run the tests where ptrace is allowed (CAP_SYS_PTRACE, kernel.yama.ptrace_scope <= 1); this test does not skip.
                    """)
                return
            }

            var traced: [Int: TracedDaemon] = [:]
            defer { for id in traced.keys.sorted() { traced[id]!.kill() } }
            for id in 1...3 {
                traced[id] = try TracedDaemon(cluster: cluster, id: id, tracePath: cluster.directory + "/trace\(id).txt")
            }
            let leader = try #require(cluster.waitForSettledLeader(among: [1, 2, 3], timeoutMs: 20_000),
                                      "no leader under strace: \(cluster.lastInfos)\n\(cluster.logs())")

            // Sequential SETs, then a pipelined burst (group commit), all on one connection.
            let nonce = "\(getpid())-\(nowMs())"
            let sequential = 6, pipelined = 10
            let markers = (0..<(sequential + pipelined)).map { "fsync-order-\($0)-\(nonce)" }
            let client = try cluster.client(leader, timeoutSeconds: 10)
            for i in 0..<sequential {
                #expect(try client.call("SET", "durable:\(i)", markers[i]) == .simpleString("OK"))
            }
            for i in sequential..<markers.count {
                try client.send([Array("SET".utf8), Array("durable:\(i)".utf8), Array(markers[i].utf8)])
            }
            for _ in sequential..<markers.count { #expect(try client.readReply() == .simpleString("OK")) }
            client.close()

            // Stop the daemons so strace flushes every line, then read the traces.
            for id in 1...3 { traced[id]!.kill() }
            var calls: [Int: [StraceCall]] = [:]
            for id in 1...3 { calls[id] = StraceParser.parse(try readTextFile(cluster.directory + "/trace\(id).txt")) }
            let leaderCalls = calls[leader]!

            // The client connection: the socket whose read carried the first SET.
            let reads = ["read", "readv", "recvfrom", "recvmsg"]
            let writes = FsyncOrderCheck.writeCalls
            guard let firstRead = leaderCalls.first(where: { reads.contains($0.name) && $0.text.contains(markers[0]) }) else {
                Issue.record("no read of the first SET in the leader's trace (node \(leader)); trace in \(cluster.directory)")
                return
            }
            let socket = firstRead.fd
            #expect(socket.contains("TCP:"), "\(socket)")
            // One reply time per "+OK\r\n" written on that socket, in order.
            var replies: [Double] = []
            for call in leaderCalls where call.fd == socket && writes.contains(call.name) {
                replies += Array(repeating: call.start, count: call.text.ranges(of: "+OK\\r\\n").count)
            }
            #expect(replies.count == markers.count, "\(replies.count) +OK writes seen on \(socket)")

            var report: [String] = []
            var walFsyncs = 0
            var repliesBeforeLeaderSync = 0
            for id in 1...3 { walFsyncs += calls[id]!.filter { $0.name == "fdatasync" && $0.isWALFile }.count }
            #expect(walFsyncs > 0, "no fdatasync of a WAL file in any trace: the check would be empty")
            for (i, marker) in markers.enumerated() where i < replies.count {
                let replyAt = replies[i]
                guard let arrived = leaderCalls.first(where: { $0.fd == socket && reads.contains($0.name) && $0.text.contains(marker) })?.start else {
                    Issue.record("SET \(i): its read is not in the leader's trace")
                    continue
                }
                #expect(arrived < replyAt, "SET \(i): +OK at \(replyAt) before the request arrived at \(arrived)")
                // Per node: the WAL write holding this SET's value, then the first fdatasync begun after it returned.
                let durableBeforeReply = FsyncOrderCheck.durableNodes(of: marker, by: replyAt, traces: calls)
                var line = "SET \(i): arrived \(arrived), +OK \(replyAt)"
                for id in 1...3 {
                    guard let (written, syncedAt) = FsyncOrderCheck.durability(of: marker, in: calls[id]!) else {
                        line += "; node \(id): no WAL write"
                        continue
                    }
                    line += "; node \(id): wal write \(written.start)-\(written.end), fdatasync done \(syncedAt.map { "\($0)" } ?? "never")"
                }
                report.append(line)
                // The reply depends on the value being chosen: durably accepted by a
                // majority. The leader's own accept is one vote like any other (the core
                // counts it only once its record is durable), so under strace's slowdown
                // the two followers' acks may choose the value before the leader's own
                // fdatasync returns; that is correct Paxos, not a lost write.
                if !durableBeforeReply.contains(leader) { repliesBeforeLeaderSync += 1 }
                #expect(durableBeforeReply.count >= 2,
                        "SET \(i): +OK before the write was durable on a majority (durable on \(durableBeforeReply))\n\(line)")
            }
            print("fsync order on leader \(leader): \(replies.count) +OK replies checked, \(walFsyncs) WAL fdatasyncs traced, "
                  + "\(repliesBeforeLeaderSync) chosen by the followers' durable accepts before the leader's own returned")
            if let first = report.first, let last = report.last { print(first + "\n" + last) }
            cluster.stopAll()
            cluster.removeFiles()
        }
    }
}
