import Wire

// AUTH and the password check it shares with HELLO ... AUTH.
extension CommandRouter {
    /// `AUTH password` or `AUTH default password` (Redis 6 ACL form; only the default user exists).
    func auth(_ args: [[UInt8]], session: ConnectionState) throws(CommandError) -> RouteDecision {
        guard args.count <= 3 else { throw .syntax }
        if args.count == 2 && password == nil {
            throw CommandError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
        }
        let user = args.count == 3 ? args[1] : nil
        try authenticate(user: user, password: args[args.count - 1], session: session)
        return .reply(.simpleString("OK"))
    }

    /// Logs the session in, or throws WRONGPASS. With no password set, the
    /// default user accepts any password (as Redis's `nopass`).
    func authenticate(user: [UInt8]?, password given: [UInt8], session: ConnectionState) throws(CommandError) {
        let userMatches = user.map { $0 == Self.defaultUser } ?? true
        let passwordMatches = password.map { constantTimeEquals($0, given) } ?? true
        guard userMatches, passwordMatches else {
            throw CommandError("WRONGPASS invalid username-password pair or user is disabled.")
        }
        session.isAuthenticated = true
    }

    /// Redis's one built-in user; user names are case-sensitive.
    private static let defaultUser: [UInt8] = Array("default".utf8)
}

/// Compares in time that depends only on the lengths, never on where the
/// first difference is, so a client cannot find the password byte by byte.
func constantTimeEquals(_ secret: [UInt8], _ given: [UInt8]) -> Bool {
    var difference = UInt(bitPattern: secret.count ^ given.count)
    let length = max(secret.count, given.count)
    for i in 0..<length {
        let a = i < secret.count ? secret[i] : 0
        let b = i < given.count ? given[i] : 0
        difference |= UInt(a ^ b)
    }
    return difference == 0
}
