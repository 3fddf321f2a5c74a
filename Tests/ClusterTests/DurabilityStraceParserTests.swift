import Testing

/// The strace parser and the fsync-order check on made-up traces: joins
/// unfinished/resumed pairs across threads, reads -yy fd tags, and flags a
/// reply that overtakes the fdatasync (the check bites).
@Suite("Durability: strace parser and fsync-order check")
struct DurabilityStraceParserTests {
    static let wal = "4</tmp/t/data/node1/wal/00000000000000000001.wal>"
    static let client = "15<TCP:[127.0.0.1:6401->127.0.0.1:5555]>"

    /// A leader trace: request read, WAL write (unfinished across a thread switch), fdatasync, then +OK at `replyAt`.
    static func trace(replyAt: String) -> String {
        """
        100 1000.000100 read(\(client), "*3\\r\\n$3\\r\\nSET\\r\\n$1\\r\\nk\\r\\n$6\\r\\nmark-1\\r\\n", 16384) = 31 <0.000010>
        101 1000.000200 pwrite64(\(wal), "G\\0\\0\\0mark-1", 80, 47 <unfinished ...>
        100 1000.000250 writev(9<TCP:[127.0.0.1:7101->127.0.0.1:4444]>, [{iov_base="mark-1", iov_len=6}], 1) = 6 <0.000020>
        101 1000.000300 <... pwrite64 resumed>) = 80 <0.000100>
        101 1000.000400 fdatasync(\(wal) <unfinished ...>
        100 1000.000450 read(5<anon_inode:[eventfd]>, "\\1\\0\\0\\0\\0\\0\\0\\0", 8) = -1 EAGAIN (Resource temporarily unavailable) <0.000005>
        101 1000.000900 <... fdatasync resumed>) = 0 <0.000500>
        100 \(replyAt) writev(\(client), [{iov_base="+OK\\r\\n", iov_len=5}], 1) = 5 <0.000030>
        101 1000.002000 +++ killed by SIGKILL +++
        """
    }

    @Test("unfinished/resumed pairs are joined; fd tags with '->' are read whole")
    func parses() {
        let calls = StraceParser.parse(Self.trace(replyAt: "1000.001000"))
        #expect(calls.map(\.name) == ["read", "pwrite64", "writev", "fdatasync", "read", "writev"])
        let write = calls[1]
        #expect(write.fd == Self.wal && write.isWALFile && write.result == 80)
        #expect(write.start == 1000.0002 && abs(write.end - 1000.0003) < 1e-9)
        #expect(calls[0].fd == Self.client && !calls[0].isWALFile)
        #expect(calls[4].result == -1)
        #expect(abs(calls[3].end - 1000.0009) < 1e-9)
    }

    @Test("a +OK after the fdatasync passes; a +OK before it returned is caught")
    func bites() {
        let good = StraceParser.parse(Self.trace(replyAt: "1000.001000"))
        #expect(FsyncOrderCheck.durableNodes(of: "mark-1", by: 1000.001, traces: [1: good]) == [1])
        let early = StraceParser.parse(Self.trace(replyAt: "1000.000850"))
        #expect(FsyncOrderCheck.durableNodes(of: "mark-1", by: 1000.00085, traces: [1: early]).isEmpty)
        #expect(FsyncOrderCheck.durability(of: "not-written", in: good) == nil)
    }
}
