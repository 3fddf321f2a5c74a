/// A bad config file. Printed as `config/cluster3.conf:7: unknown key 'x'`;
/// problems of the whole file (a missing `cluster`, no nodes) have no line.
/// The daemon prints `paxosd: ` before it and exits with status 2.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    /// 1-based; nil when the problem is not on one line.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
