import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: AUTH")
struct AuthTests {
    let noAuth = RouteDecision.reply(.error("NOAUTH Authentication required."))
    let wrongPass = RouteDecision.reply(.error("WRONGPASS invalid username-password pair or user is disabled."))

    func protected() -> RouterHarness { RouterHarness(CommandRouter(password: b("s3cret"))) }

    @Test("before AUTH every command but AUTH, HELLO and QUIT gets NOAUTH")
    func gate() {
        let h = protected()
        #expect(!h.session.isAuthenticated)
        for words in [["GET", "k"], ["SET", "k", "v"], ["PING"], ["INFO"], ["MULTI"], ["CONFIG", "GET", "save"]] {
            #expect(h.sendArgs(words.map { b($0) }) == noAuth, "\(words)")
        }
        // Unknown commands and bad arity are reported first, as Redis does.
        #expect(h.error("NOSUCH")?.hasPrefix("ERR unknown command") == true)
        #expect(h.send("QUIT") == .replyAndClose(.simpleString("OK")))
    }

    @Test("a wrong password is WRONGPASS; the right one (plain or as user 'default') logs in")
    func login() {
        let h = protected()
        #expect(h.send("AUTH", "nope") == wrongPass)
        #expect(h.send("AUTH", "s3cre") == wrongPass)
        #expect(h.send("AUTH", "other", "s3cret") == wrongPass)
        #expect(h.send("GET", "k") == noAuth)
        #expect(h.send("AUTH", "s3cret") == .reply(.simpleString("OK")))
        #expect(h.send("GET", "k") == .read(.get(b("k"))))
        let h2 = protected()
        #expect(h2.send("AUTH", "default", "s3cret") == .reply(.simpleString("OK")))
        #expect(h2.session.isAuthenticated)
        #expect(h2.error("AUTH", "a", "b", "c") == "ERR syntax error")
    }

    @Test("AUTH with no password configured is an error; sessions start logged in")
    func noPassword() {
        let h = RouterHarness()
        #expect(h.session.isAuthenticated)
        #expect(h.error("AUTH", "x") == "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
        #expect(h.send("AUTH", "default", "anything") == .reply(.simpleString("OK")))
    }

    @Test("HELLO needs AUTH when not logged in; HELLO 3 AUTH logs in and switches")
    func helloAuth() {
        let h = protected()
        #expect(h.error("HELLO", "3")?.hasPrefix("NOAUTH HELLO must be called with the client already authenticated") == true)
        #expect(h.session.protocolVersion == .resp2)
        #expect(h.send("HELLO", "3", "AUTH", "default", "bad") == wrongPass)
        #expect(h.session.protocolVersion == .resp2)
        guard case .reply(.map) = h.send("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "app") else {
            Issue.record("no HELLO map")
            return
        }
        #expect(h.session.isAuthenticated)
        #expect(h.session.protocolVersion == .resp3)
        #expect(h.session.name == b("app"))
    }

    @Test("RESET logs out again when a password is set")
    func reset() {
        let h = protected()
        _ = h.send("AUTH", "s3cret")
        _ = h.send("HELLO", "3")
        _ = h.send("READONLY")
        #expect(h.send("RESET") == .reply(.simpleString("RESET")))
        #expect(!h.session.isAuthenticated)
        #expect(h.session.protocolVersion == .resp2)
        #expect(!h.session.isReadOnly)
    }
}
