import Config
import Testing
@testable import Client

private func parseMemberWords(_ words: [String]) throws(KvctlFailure) -> KvctlCommand {
    try KvctlArgumentParser(environmentEndpoints: nil).parse(words.map { Array($0.utf8) }).command
}

/// The usage message when `words` fail with the usage exit code; a note otherwise.
private func memberUsageError(_ words: [String]) -> String? {
    do {
        let command = try parseMemberWords(words)
        return "parsed as \(command)"
    } catch {
        return error.exitCode == .usage ? error.message : "exit \(error.exitCode)"
    }
}

@Suite("kvctl member")
struct KvctlMemberTests {
    static let usageLine = "member takes 'list', 'add ID PEER CLIENT' or 'remove ID'\nRun 'kvctl help member' for usage."

    @Test("member list")
    func list() throws {
        #expect(try parseMemberWords(["member", "list"]) == .memberList)
        #expect(try parseMemberWords(["--endpoints", "127.0.0.1:6401", "member", "list"]) == .memberList)
    }

    @Test("member add ID PEER CLIENT")
    func add() throws {
        let command = try parseMemberWords(["member", "add", "4", "127.0.0.1:7104", "127.0.0.1:6404"])
        #expect(command == .memberAdd(id: 4, peer: HostPort(host: "127.0.0.1", port: 7104),
                                      client: HostPort(host: "127.0.0.1", port: 6404)))
        #expect(try parseMemberWords(["member", "add", "255", "[::1]:7104", "localhost:6404"])
            == .memberAdd(id: 255, peer: HostPort(host: "::1", port: 7104), client: HostPort(host: "localhost", port: 6404)))
        #expect(!command.isWrite, "a member change is not a RID write")
    }

    @Test("member remove ID")
    func remove() throws {
        #expect(try parseMemberWords(["member", "remove", "3"]) == .memberRemove(id: 3))
        #expect(try parseMemberWords(["member", "remove", "1"]) == .memberRemove(id: 1))
    }

    @Test("a missing, unknown or mis-counted subcommand is a usage error naming the three forms", arguments: [
        ["member"], ["member", "frob"], ["member", "remove"], ["member", "list", "x"],
        ["member", "add", "4", "127.0.0.1:7104"], ["member", "add", "4", "127.0.0.1:7104", "127.0.0.1:6404", "x"],
        ["member", "remove", "3", "4"], ["member", "LIST"],
    ])
    func formUsage(words: [String]) {
        #expect(memberUsageError(words) == Self.usageLine)
    }

    @Test("a bad id is a usage error", arguments: ["0", "256", "-1", "x", ""])
    func badID(id: String) {
        let expected = "member: ID must be 1...255, got '\(id)'\nRun 'kvctl help member' for usage."
        #expect(memberUsageError(["member", "add", id, "127.0.0.1:7104", "127.0.0.1:6404"]) == expected)
        #expect(memberUsageError(["member", "remove", id]) == expected)
    }

    @Test("a bad peer or client address is a usage error with the parser's reason")
    func badAddress() {
        #expect(memberUsageError(["member", "add", "4", "x", "y"])
            == "member add: bad peer address 'x': expected HOST:PORT\nRun 'kvctl help member' for usage.")
        #expect(memberUsageError(["member", "add", "4", "127.0.0.1:7104", "y"])
            == "member add: bad client address 'y': expected HOST:PORT\nRun 'kvctl help member' for usage.")
        #expect(memberUsageError(["member", "add", "4", "127.0.0.1:7104", "1.2.3.4:99999"])?
            .hasPrefix("member add: bad client address '1.2.3.4:99999': port must be 1...65535") == true)
    }

    @Test("help member, member --help, and the overview")
    func help() throws {
        #expect(try parseMemberWords(["help", "member"]) == .help(topic: "member"))
        #expect(try parseMemberWords(["member", "--help"]) == .help(topic: "member"))
        #expect(try parseMemberWords(["member", "-h"]) == .help(topic: "member"))
        let text = KvctlHelp.text(for: "member")
        #expect(text.hasPrefix("usage: kvctl [OPTIONS] member list | add ID PEER CLIENT | remove ID\n"))
        #expect(text.contains("--join"))
        #expect(KvctlHelp.overview.contains("member list | add ID PEER CLIENT | remove ID"))
    }

    // MARK: TextTable

    @Test("columns are as wide as their widest cell, two spaces apart")
    func tableWidths() {
        let lines = TextTable.lines([
            ["ID", "PEER", "STATE", "UP"],
            ["1", "127.0.0.1:7101", "voter", "yes"],
            ["4", "h:1", "joining", "no"],
        ])
        #expect(lines == [
            "ID  PEER            STATE    UP",
            "1   127.0.0.1:7101  voter    yes",
            "4   h:1             joining  no",
        ])
    }

    @Test("right-aligned columns pad on the left")
    func tableRightAligned() {
        let lines = TextTable.lines([
            ["ID", "APPLIED", "ROLE"],
            ["1", "7", "leader"],
            ["12", "123456", "follower"],
        ], rightAligned: [0, 1])
        #expect(lines == [
            "ID  APPLIED  ROLE",
            " 1        7  leader",
            "12   123456  follower",
        ])
    }

    @Test("trailing blanks are trimmed: short rows, empty last cells, a padded last column")
    func tableTrailingBlanks() {
        let lines = TextTable.lines([
            ["a", "long-cell"],
            ["bb", ""],
            ["c"],
            ["dd", "x"],
        ])
        #expect(lines == ["a   long-cell", "bb", "c", "dd  x"])
        #expect(lines.allSatisfy { !$0.hasSuffix(" ") })
        // A right-aligned last column keeps its left padding; only the right is trimmed.
        #expect(TextTable.lines([["N"], ["100"]], rightAligned: [0]) == ["  N", "100"])
    }

    @Test("no rows, no lines")
    func tableEmpty() {
        #expect(TextTable.lines([]).isEmpty)
        #expect(TextTable.lines([[]]) == [""])
    }
}
