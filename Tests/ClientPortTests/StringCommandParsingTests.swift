import KVStore
import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: string and keyspace commands")
struct StringCommandParsingTests {
    let queued = RouteDecision.reply(.simpleString("QUEUED"))
    let notInteger = "ERR value is not an integer or out of range"
    let syntax = "ERR syntax error"

    @Test("the new writes become .write commands")
    func writes() {
        let h = RouterHarness()
        #expect(h.send("SETNX", "k", "v") == .write(.setNX(b("k"), b("v"))))
        #expect(h.send("GETSET", "k", "v") == .write(.getSet(b("k"), b("v"))))
        #expect(h.send("GETDEL", "k") == .write(.getDel(b("k"))))
        #expect(h.send("APPEND", "k", "tail") == .write(.append(b("k"), b("tail"))))
        #expect(h.send("SETRANGE", "k", "5", "v") == .write(.setRange(b("k"), offset: 5, b("v"))))
        #expect(h.send("SETRANGE", "k", "0", "") == .write(.setRange(b("k"), offset: 0, [])))
        #expect(h.send("FLUSHDB") == .write(.flush))
        #expect(h.send("FLUSHALL") == .write(.flush))
        #expect(h.send("RENAME", "a", "b") == .write(.rename(b("a"), b("b"), nx: false)))
        #expect(h.send("RENAMENX", "a", "b") == .write(.rename(b("a"), b("b"), nx: true)))
        #expect(h.send("MSETNX", "a", "1", "b", "2") == .write(.msetNX([(b("a"), b("1")), (b("b"), b("2"))])))
        #expect(h.send("MSETNX", "a", "1") == .write(.msetNX([(b("a"), b("1"))])))
        #expect(h.send("COPY", "a", "b") == .write(.copy(b("a"), b("b"), replace: false)))
    }

    @Test("UNLINK is DEL")
    func unlink() {
        let h = RouterHarness()
        #expect(h.send("UNLINK", "a") == .write(.del([b("a")])))
        #expect(h.send("UNLINK", "a", "b", "a") == .write(.del([b("a"), b("b"), b("a")])))
        #expect(h.send("unlink", "x") == h.send("DEL", "x"))
    }

    @Test("STRLEN, GETRANGE, TYPE and TOUCH are linearizable reads, also on a READONLY connection")
    func reads() {
        let h = RouterHarness()
        let expected: [([String], KVCommand)] = [
            (["STRLEN", "k"], .strlen(b("k"))),
            (["GETRANGE", "k", "0", "-1"], .getRange(b("k"), start: 0, end: -1)),
            (["GETRANGE", "k", "-9223372036854775808", "9223372036854775807"], .getRange(b("k"), start: .min, end: .max)),
            (["TYPE", "k"], .type(b("k"))),
            (["TOUCH", "a", "b", "a"], .touch([b("a"), b("b"), b("a")])),
        ]
        for (words, command) in expected {
            #expect(h.sendArgs(words.map { b($0) }) == .read(command), "\(words)")
        }
        _ = h.send("READONLY")
        for (words, command) in expected {
            #expect(h.sendArgs(words.map { b($0) }) == .read(command), "READONLY \(words)")
        }
    }

    @Test("command names ignore case")
    func caseInsensitive() {
        let h = RouterHarness()
        #expect(h.send("setnx", "k", "v") == .write(.setNX(b("k"), b("v"))))
        #expect(h.send("GetSet", "k", "v") == .write(.getSet(b("k"), b("v"))))
        #expect(h.send("getDEL", "k") == .write(.getDel(b("k"))))
        #expect(h.send("aPPend", "k", "v") == .write(.append(b("k"), b("v"))))
        #expect(h.send("SetRange", "k", "1", "v") == .write(.setRange(b("k"), offset: 1, b("v"))))
        #expect(h.send("flushdb") == .write(.flush))
        #expect(h.send("FlushAll") == .write(.flush))
        #expect(h.send("rename", "a", "b") == .write(.rename(b("a"), b("b"), nx: false)))
        #expect(h.send("RenameNX", "a", "b") == .write(.rename(b("a"), b("b"), nx: true)))
        #expect(h.send("UnLink", "a") == .write(.del([b("a")])))
        #expect(h.send("msetNX", "a", "1") == .write(.msetNX([(b("a"), b("1"))])))
        #expect(h.send("copy", "a", "b") == .write(.copy(b("a"), b("b"), replace: false)))
        #expect(h.send("strLen", "k") == .read(.strlen(b("k"))))
        #expect(h.send("gEtRaNgE", "k", "1", "2") == .read(.getRange(b("k"), start: 1, end: 2)))
        #expect(h.send("type", "k") == .read(.type(b("k"))))
        #expect(h.send("Touch", "k") == .read(.touch([b("k")])))
    }

    @Test("keys and values stay binary-safe bytes")
    func binary() {
        let h = RouterHarness()
        let key: [UInt8] = [0, 0xFF, 0x0D, 0x0A]
        let value: [UInt8] = [0xC3, 0x28, 0]
        #expect(h.sendArgs([b("APPEND"), key, value]) == .write(.append(key, value)))
        #expect(h.sendArgs([b("SETRANGE"), key, b("2"), value]) == .write(.setRange(key, offset: 2, value)))
        #expect(h.sendArgs([b("RENAME"), key, value]) == .write(.rename(key, value, nx: false)))
        #expect(h.sendArgs([b("TYPE"), key]) == .read(.type(key)))
    }

    @Test("wrong arity names the command in lowercase, as Redis")
    func arity() {
        let h = RouterHarness()
        let cases: [[String]] = [
            ["SETNX", "k"], ["SETNX", "k", "v", "x"], ["GETSET", "k"], ["GETSET", "k", "v", "x"], ["GETDEL"],
            ["GETDEL", "a", "b"], ["APPEND", "k"], ["APPEND", "k", "v", "x"], ["STRLEN"], ["STRLEN", "a", "b"],
            ["GETRANGE", "k", "1"], ["GETRANGE", "k", "1", "2", "3"], ["SETRANGE", "k", "1"],
            ["SETRANGE", "k", "1", "v", "x"], ["TYPE"], ["TYPE", "a", "b"], ["RENAME", "a"], ["RENAME", "a", "b", "c"],
            ["RENAMENX", "a"], ["RENAMENX", "a", "b", "c"], ["UNLINK"], ["TOUCH"], ["MSETNX"], ["MSETNX", "a"],
            ["COPY", "a"], ["COPY"],
        ]
        for words in cases {
            #expect(h.error(words) == "ERR wrong number of arguments for '\(words[0].lowercased())' command", "\(words)")
        }
    }

    @Test("MSETNX with a key and no value names msetnx in the arity error")
    func msetNXOdd() {
        let h = RouterHarness()
        #expect(h.error("MSETNX", "a", "1", "b") == "ERR wrong number of arguments for 'msetnx' command")
        #expect(h.error("msetnx", "a", "1", "b", "2", "c") == "ERR wrong number of arguments for 'msetnx' command")
    }

    @Test("GETRANGE and SETRANGE need integer offsets")
    func notIntegers() {
        let h = RouterHarness()
        for words in [
            ["GETRANGE", "k", "x", "1"], ["GETRANGE", "k", "0", "y"], ["GETRANGE", "k", "1.5", "2"], ["GETRANGE", "k", "", "1"],
            ["GETRANGE", "k", "0", "9223372036854775808"], ["GETRANGE", "k", "-9223372036854775809", "0"],
            ["GETRANGE", "k", " 1", "2"], ["SETRANGE", "k", "x", "v"], ["SETRANGE", "k", "1.0", "v"], ["SETRANGE", "k", "", "v"],
            ["SETRANGE", "k", "99999999999999999999", "v"], ["SETRANGE", "k", "+1", "v"],
        ] {
            #expect(h.error(words) == notInteger, "\(words)")
        }
    }

    @Test("SETRANGE with a negative offset is out of range, even with an empty value")
    func setRangeNegative() {
        let h = RouterHarness()
        #expect(h.error("SETRANGE", "k", "-1", "v") == "ERR offset is out of range")
        #expect(h.error("SETRANGE", "k", "-1", "") == "ERR offset is out of range")
        #expect(h.error("SETRANGE", "k", "-9223372036854775808", "v") == "ERR offset is out of range")
    }

    @Test("SETRANGE building a value beyond the value limit is refused before the log")
    func setRangeTooLarge() {
        let tooLarge = "ERR string exceeds maximum allowed size (max_value_bytes)"
        let h = RouterHarness(CommandRouter(limits: KVLimits(keyBytesMax: 4, valueBytesMax: 8)))
        #expect(h.error("SETRANGE", "k", "6", "abc") == tooLarge)
        #expect(h.error("SETRANGE", "k", "2147483648", "x") == tooLarge)
        #expect(h.error("SETRANGE", "k", "9223372036854775807", "x") == tooLarge)
        #expect(h.send("SETRANGE", "k", "5", "abc") == .write(.setRange(b("k"), offset: 5, b("abc"))))
        let defaults = RouterHarness()
        #expect(defaults.error("SETRANGE", "k", "1048576", "x") == tooLarge)
        #expect(defaults.send("SETRANGE", "k", "1048575", "x") == .write(.setRange(b("k"), offset: 1_048_575, b("x"))))
    }

    @Test("SETRANGE with an empty value at any offset is not an error: Redis replies the key's length")
    func setRangeEmptyValueHugeOffset() {
        let h = RouterHarness(CommandRouter(limits: KVLimits(keyBytesMax: 4, valueBytesMax: 8)))
        for offset in ["8", "9", "2147483648", "9223372036854775807"] {
            let decision = h.send("SETRANGE", "k", offset, "")
            guard case .write(.setRange(let key, _, let value)) = decision else {
                Issue.record("SETRANGE k \(offset) \"\": \(decision)")
                continue
            }
            #expect(key == b("k") && value.isEmpty)
        }
    }

    @Test("FLUSHDB and FLUSHALL take ASYNC or SYNC in any case; anything else is a syntax error")
    func flushOptions() {
        let h = RouterHarness()
        for name in ["FLUSHDB", "FLUSHALL", "flushdb"] {
            for option in ["ASYNC", "SYNC", "async", "sync", "AsYnC", "sYnC"] {
                #expect(h.send(name, option) == .write(.flush), "\(name) \(option)")
            }
            for bad in [["FOO"], ["ASYNCX"], ["SYN"], [""], ["ASYNC", "SYNC"], ["SYNC", "SYNC"], ["ASYNC", "ASYNC"]] {
                #expect(h.error([name] + bad) == syntax, "\(name) \(bad)")
            }
        }
    }

    @Test("COPY takes REPLACE and DB 0 in any order and case")
    func copyOptions() {
        let h = RouterHarness()
        #expect(h.send("COPY", "a", "b", "REPLACE") == .write(.copy(b("a"), b("b"), replace: true)))
        #expect(h.send("COPY", "a", "b", "replace") == .write(.copy(b("a"), b("b"), replace: true)))
        #expect(h.send("COPY", "a", "b", "DB", "0") == .write(.copy(b("a"), b("b"), replace: false)))
        #expect(h.send("COPY", "a", "b", "db", "0", "REPLACE") == .write(.copy(b("a"), b("b"), replace: true)))
        #expect(h.send("COPY", "a", "b", "REPLACE", "DB", "0") == .write(.copy(b("a"), b("b"), replace: true)))
        #expect(h.send("COPY", "a", "b", "DB", "0", "DB", "0") == .write(.copy(b("a"), b("b"), replace: false)))
        #expect(h.send("COPY", "a", "b", "REPLACE", "REPLACE") == .write(.copy(b("a"), b("b"), replace: true)))
    }

    @Test("COPY: another DB is out of range, a non-integer DB or an unknown option is refused")
    func copyRefusals() {
        let h = RouterHarness()
        #expect(h.error("COPY", "a", "b", "DB", "1") == "ERR DB index is out of range")
        #expect(h.error("COPY", "a", "b", "DB", "-1") == "ERR DB index is out of range")
        #expect(h.error("COPY", "a", "b", "REPLACE", "DB", "15") == "ERR DB index is out of range")
        #expect(h.error("COPY", "a", "b", "DB", "x") == notInteger)
        #expect(h.error("COPY", "a", "b", "DB", "99999999999999999999") == notInteger)
        #expect(h.error("COPY", "a", "b", "DB") == syntax)
        #expect(h.error("COPY", "a", "b", "BOGUS") == syntax)
        #expect(h.error("COPY", "a", "b", "REPLACE", "BOGUS") == syntax)
        #expect(h.error("COPY", "a", "b", "0") == syntax)
    }

    @Test("RID wraps the new writes and unwraps the new reads")
    func rid() {
        let h = RouterHarness()
        #expect(h.send("RID", "c", "1", "SETNX", "k", "v") == .write(.rid(clientID: b("c"), seq: 1, .setNX(b("k"), b("v")))))
        #expect(h.send("RID", "c", "2", "UNLINK", "a") == .write(.rid(clientID: b("c"), seq: 2, .del([b("a")]))))
        #expect(h.send("RID", "c", "3", "FLUSHALL", "SYNC") == .write(.rid(clientID: b("c"), seq: 3, .flush)))
        #expect(h.send("RID", "c", "4", "COPY", "a", "b", "REPLACE")
            == .write(.rid(clientID: b("c"), seq: 4, .copy(b("a"), b("b"), replace: true))))
        #expect(h.send("RID", "c", "5", "STRLEN", "k") == .read(.strlen(b("k"))))
        #expect(h.send("RID", "c", "6", "TYPE", "k") == .read(.type(b("k"))))
        #expect(h.error("RID", "c", "7", "SETRANGE", "k", "-1", "v") == "ERR offset is out of range")
    }

    @Test("inside MULTI the new commands queue and EXEC sends them as one .multi")
    func multi() {
        let h = RouterHarness()
        _ = h.send("MULTI")
        #expect(h.send("SETNX", "k", "v") == queued)
        #expect(h.send("GETRANGE", "k", "0", "-1") == queued)
        #expect(h.send("UNLINK", "x") == queued)
        #expect(h.send("FLUSHDB", "ASYNC") == queued)
        #expect(h.send("TYPE", "k") == queued)
        #expect(h.send("EXEC") == .write(.multi([
            .setNX(b("k"), b("v")), .getRange(b("k"), start: 0, end: -1), .del([b("x")]), .flush, .type(b("k")),
        ])))
        _ = h.send("MULTI")
        _ = h.send("STRLEN", "k")
        _ = h.send("TOUCH", "k", "k")
        #expect(h.send("EXEC") == .read(.multi([.strlen(b("k")), .touch([b("k"), b("k")])])))
    }

    @Test("a refused new command inside MULTI dooms the transaction")
    func multiAbort() {
        for bad in [["SETRANGE", "k", "-1", "v"], ["GETRANGE", "k", "x", "1"], ["COPY", "a", "b", "DB", "1"],
                    ["FLUSHDB", "FOO"], ["MSETNX", "a", "1", "b"], ["SETNX", "k"]] {
            let h = RouterHarness()
            _ = h.send("MULTI")
            _ = h.send("SETNX", "a", "1")
            #expect(h.error(bad) != nil, "\(bad)")
            #expect(h.send("EXEC") == .reply(.error("EXECABORT Transaction discarded because of previous errors.")), "\(bad)")
        }
    }

    @Test("over-limit keys and values in the new commands are refused; RENAME and COPY check both keys")
    func limits() {
        let h = RouterHarness(CommandRouter(limits: KVLimits(keyBytesMax: 4, valueBytesMax: 8)))
        let longKey = "ERR key is too long (5 bytes, limit 4)"
        let longValue = "ERR value is too large (9 bytes, limit 8)"
        #expect(h.error("SETNX", "12345", "v") == longKey)
        #expect(h.error("APPEND", "k", "123456789") == longValue)
        #expect(h.error("GETSET", "k", "123456789") == longValue)
        #expect(h.error("MSETNX", "a", "1", "b", "123456789") == longValue)
        #expect(h.error("TOUCH", "a", "12345") == longKey)
        #expect(h.error("RENAME", "12345", "a") == longKey)
        #expect(h.error("RENAME", "a", "12345") == longKey)
        #expect(h.error("RENAMENX", "a", "12345") == longKey)
        #expect(h.error("COPY", "12345", "a") == longKey)
        #expect(h.error("COPY", "a", "12345", "REPLACE") == longKey)
        #expect(h.error("UNLINK", "12345") == longKey)
        #expect(h.send("COPY", "1234", "abcd") == .write(.copy(b("1234"), b("abcd"), replace: false)))
    }

    @Test("TYPE's reply is a RESP simple string in RESP2 and RESP3")
    func typeRendering() {
        let h = RouterHarness()
        let type = KVCommand.type(b("k"))
        for version in ["2", "3"] {
            _ = h.send("HELLO", version)
            #expect(h.rendered(.simple("string"), for: type) == "+string\r\n", "RESP\(version)")
            #expect(h.rendered(.simple("none"), for: type) == "+none\r\n", "RESP\(version)")
            #expect(h.renderedWithoutShortcut(.result(KVReply.simple("string").encoded()), for: type) == "+string\r\n")
            #expect(h.router.render(.result(KVReply.simple("none").encoded()), for: type, session: h.session)
                == .simpleString("none"))
            let multi = KVCommand.multi([type, .strlen(b("k"))])
            #expect(h.rendered(.array([.simple("string"), .integer(3)]), for: multi) == "*2\r\n+string\r\n:3\r\n")
        }
        #expect(h.session.protocolVersion == .resp3)
    }

    @Test("the other new replies render as Redis sends them")
    func otherRendering() {
        let h = RouterHarness()
        #expect(h.rendered(.integer(1), for: .setNX(b("k"), b("v"))) == ":1\r\n")
        #expect(h.rendered(.nil, for: .getDel(b("k"))) == "$-1\r\n")
        #expect(h.rendered(.bulk([]), for: .getRange(b("k"), start: 0, end: -1)) == "$0\r\n\r\n")
        #expect(h.rendered(.err("no such key"), for: .rename(b("a"), b("b"), nx: false)) == "-ERR no such key\r\n")
        #expect(h.rendered(.ok, for: .flush) == "+OK\r\n")
        _ = h.send("HELLO", "3")
        #expect(h.rendered(.nil, for: .getSet(b("k"), b("v"))) == "_\r\n")
    }
}

extension RouterHarness {
    /// The error text of an immediate error reply to `words`, or nil for anything else.
    fileprivate func error(_ words: [String]) -> String? {
        if case .reply(.error(let text)) = sendArgs(words.map { b($0) }) { return text }
        return nil
    }
}

@Suite("INCRBYFLOAT parsing")
struct IncrByFloatParsingTests {
    @Test("the increment is checked before the log, with Redis's error; arity 3")
    func parsing() {
        let h = RouterHarness()
        #expect(h.send("INCRBYFLOAT", "k", "1.5") == .write(.incrByFloat(b("k"), b("1.5"))))
        #expect(h.send("INCRBYFLOAT", "k", "-5e3") == .write(.incrByFloat(b("k"), b("-5e3"))))
        #expect(h.error("INCRBYFLOAT", "k", "x") == "ERR value is not a valid float")
        #expect(h.error("INCRBYFLOAT", "k", " 1") == "ERR value is not a valid float")
        #expect(h.error("INCRBYFLOAT", "k", "nan") == "ERR value is not a valid float")
        #expect(h.error("INCRBYFLOAT", "k") == "ERR wrong number of arguments for 'incrbyfloat' command")
    }
}
