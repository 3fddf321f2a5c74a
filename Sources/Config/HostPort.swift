/// A `HOST:PORT` address as written in the config: `127.0.0.1:7101`,
/// `[::1]:7101` or `localhost:7101`. Resolution to a socket address happens
/// later (`SocketAddress(resolving:)`), so parsing never blocks.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    /// The host without brackets: `127.0.0.1`, `::1`, `localhost`.
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; an IPv6 host must be bracketed. Fails with
    /// a reason when the text is not an address.
    public static func parse(_ text: String) -> Result<HostPort, HostPortError> {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.init("missing ']' after IPv6 host")) }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return .failure(.init("expected ':PORT' after ']'")) }
            portText = rest.dropFirst()
            guard host.contains(":") else { return .failure(.init("brackets are only for IPv6 hosts")) }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return .failure(.init("expected HOST:PORT")) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return .failure(.init("an IPv6 host must be in brackets: [::1]:PORT")) }
        }
        guard !host.isEmpty else { return .failure(.init("empty host")) }
        guard host.allSatisfy(isHostCharacter) else { return .failure(.init("bad character in host '\(host)'")) }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (1...65_535).contains(port)
        else { return .failure(.init("port must be 1...65535, got '\(portText)'")) }
        return .success(HostPort(host: String(host), port: UInt16(port)))
    }

    public var isIPv6: Bool { host.contains(":") }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public struct HostPortError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

private func isHostCharacter(_ c: Character) -> Bool {
    guard c.isASCII else { return false }
    return c.isLetter || c.isNumber || c == "." || c == "-" || c == ":" || c == "%" || c == "_"
}
