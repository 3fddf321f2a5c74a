import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: connection and server commands")
struct ServerCommandTests {
    @Test("PING, ECHO, QUIT, SELECT")
    func basics() {
        let h = RouterHarness()
        #expect(h.send("PING") == .reply(.simpleString("PONG")))
        #expect(h.send("ping", "hi") == .reply(.bulk(b("hi"))))
        #expect(h.send("ECHO", "x y") == .reply(.bulk(b("x y"))))
        #expect(h.send("QUIT") == .replyAndClose(.simpleString("OK")))
        #expect(h.send("SELECT", "0") == .reply(.simpleString("OK")))
        #expect(h.error("SELECT", "1") == "ERR DB index is out of range")
        #expect(h.error("SELECT", "x") == "ERR value is not an integer or out of range")
    }

    @Test("INFO paxos has exactly the Paxos section, CRLF lines, in RESP2 a bulk string")
    func infoPaxos() {
        let h = RouterHarness()
        h.info = NodeInfo(nodeID: 2, role: "leader", leaderID: 2, ballot: "7.2", commitIndex: 1042, appliedIndex: 1041,
                          snapshotIndex: 1000, walBytes: 65_536, peersUp: 2, members: 5, configSlot: 77, memberState: "joining",
                          clusterName: "demo")
        guard case .reply(let value) = h.send("INFO", "PAXOS") else { Issue.record("no reply"); return }
        let text = "# Paxos\r\ncluster:demo\r\nnode_id:2\r\nrole:leader\r\nleader_id:2\r\nballot:7.2\r\n" +
            "commit_index:1042\r\napplied_index:1041\r\nsnapshot_index:1000\r\nwal_bytes:65536\r\npeers_up:2\r\nis_voter:1\r\n" +
            "voter:1\r\nmembers:5\r\nconfig_slot:77\r\nmember_state:joining\r\n"
        #expect(wire(value, .resp2) == "$\(text.utf8.count)\r\n\(text)\r\n")
        #expect(wire(value, .resp3) == "=\(text.utf8.count + 4)\r\ntxt:\(text)\r\n")
    }

    @Test("INFO with no section has Server, Clients and Paxos separated by blank lines")
    func infoAll() {
        let h = RouterHarness()
        h.info.connectedClients = 3
        guard case .reply(.verbatim(_, let bytes)) = h.send("INFO") else { Issue.record("no reply"); return }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("# Server\r\nredis_version:7.0.0-paxoskv\r\n"))
        #expect(text.contains("\r\n\r\n# Clients\r\nconnected_clients:3\r\n\r\n# Paxos\r\n"))
        #expect(text.hasSuffix("is_voter:1\r\nvoter:1\r\nmembers:1\r\nconfig_slot:0\r\nmember_state:voter\r\n"))
        guard case .reply(.verbatim(_, let none)) = h.send("INFO", "nosuch") else { Issue.record("no reply"); return }
        #expect(none.isEmpty)
    }

    @Test("CONFIG GET save / appendonly give name-value pairs; unknown patterns an empty list")
    func configGet() {
        let h = RouterHarness()
        guard case .reply(let value) = h.send("CONFIG", "GET", "save") else { Issue.record("no reply"); return }
        #expect(wire(value, .resp2) == "*2\r\n$4\r\nsave\r\n$0\r\n\r\n")
        guard case .reply(let both) = h.send("config", "get", "appendonly", "SAVE") else { Issue.record("no reply"); return }
        #expect(wire(both, .resp2) == "*4\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n$4\r\nsave\r\n$0\r\n\r\n")
        #expect(wire(both, .resp3) == "%2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n$4\r\nsave\r\n$0\r\n\r\n")
        guard case .reply(let glob) = h.send("CONFIG", "GET", "append*") else { Issue.record("no reply"); return }
        #expect(wire(glob, .resp2).hasPrefix("*4\r\n$11\r\nappendfsync\r\n$6\r\nalways\r\n"))
        #expect(h.send("CONFIG", "GET", "nosuch") == .reply(.map([])))
        #expect(h.error("CONFIG", "GET") == "ERR wrong number of arguments for 'config|get' command")
    }

    @Test("CONFIG SET accepts only what already holds; unknown subcommands are errors")
    func configSet() {
        let h = RouterHarness()
        #expect(h.send("CONFIG", "SET", "save", "") == .reply(.simpleString("OK")))
        #expect(h.error("CONFIG", "SET", "appendonly", "no")?.hasPrefix("ERR CONFIG SET 'appendonly' is not supported") == true)
        #expect(h.error("CONFIG", "SET", "nosuch", "1")?.hasPrefix("ERR Unknown option") == true)
        #expect(h.error("CONFIG", "SET", "save") == "ERR wrong number of arguments for 'config|set' command")
        #expect(h.send("CONFIG", "RESETSTAT") == .reply(.simpleString("OK")))
        #expect(h.error("CONFIG", "REWRITE") == "ERR unknown subcommand 'REWRITE'. Try CONFIG HELP.")
    }

    @Test("COMMAND, COMMAND COUNT|LIST|INFO|DOCS describe the commands that exist, in Redis's shapes")
    func command() {
        let h = RouterHarness()
        guard case .reply(.integer(let count)) = h.send("COMMAND", "COUNT") else { Issue.record("no count"); return }
        #expect(count == Int64(CommandName.allCases.count))
        guard case .reply(.array(let all?)) = h.send("COMMAND") else { Issue.record("no list"); return }
        #expect(all.count == Int(count))
        guard case .reply(.array(let infos?)) = h.send("COMMAND", "INFO", "get", "mset", "nosuch", "RENAME") else {
            Issue.record("no info")
            return
        }
        #expect(infos.count == 4)
        // GET: arity 2, readonly, one key at 1.
        #expect(infos[0] == .array([.bulk("get"), .integer(2), .array([.simpleString("readonly")]), .integer(1), .integer(1),
                                   .integer(1), .array([.simpleString("@string")]), .array([]), .array([]), .array([])]))
        // MSET: arity -3, keys every second argument to the end.
        guard case .array(let mset?) = infos[1] else { Issue.record("no mset"); return }
        #expect(Array(mset[0...5]) == [.bulk("mset"), .integer(-3), .array([.simpleString("write")]), .integer(1), .integer(-1), .integer(2)])
        #expect(infos[2] == .null)
        guard case .array(let rename?) = infos[3] else { Issue.record("no rename"); return }
        #expect(Array(rename[3...5]) == [.integer(1), .integer(2), .integer(1)])
        guard case .reply(.map(let docs)) = h.send("COMMAND", "DOCS", "setnx", "nosuch") else { Issue.record("no docs"); return }
        #expect(docs.count == 1 && docs[0].0 == .bulk("setnx") && docs[0].1 == .map([(.bulk("group"), .bulk("string"))]))
        guard case .reply(.map(let allDocs)) = h.send("COMMAND", "DOCS") else { Issue.record("no docs"); return }
        #expect(allDocs.count == Int(count))
        #expect(h.error("COMMAND", "FOO") == "ERR unknown subcommand 'FOO'. Try COMMAND HELP.")
    }

    @Test("CLIENT SETNAME/GETNAME/ID/SETINFO/INFO")
    func client() {
        let h = RouterHarness(clientID: 9)
        #expect(h.send("CLIENT", "GETNAME") == .reply(.null))
        #expect(h.send("CLIENT", "SETNAME", "worker-1") == .reply(.simpleString("OK")))
        #expect(h.send("CLIENT", "GETNAME") == .reply(.bulk(b("worker-1"))))
        #expect(h.error("CLIENT", "SETNAME", "a b") == "ERR Client names cannot contain spaces, newlines or special characters.")
        #expect(h.send("CLIENT", "ID") == .reply(.integer(9)))
        #expect(h.send("CLIENT", "SETINFO", "LIB-NAME", "redis-py") == .reply(.simpleString("OK")))
        #expect(h.error("CLIENT", "SETINFO", "color", "red") == "ERR Unrecognized option 'color'")
        guard case .reply(.verbatim(_, let line)) = h.send("CLIENT", "INFO") else { Issue.record("no info"); return }
        #expect(String(decoding: line, as: UTF8.self).hasPrefix("id=9 name=worker-1 "))
        #expect(h.error("CLIENT", "KILL", "x") == "ERR unknown subcommand 'KILL'. Try CLIENT HELP.")
    }
}
