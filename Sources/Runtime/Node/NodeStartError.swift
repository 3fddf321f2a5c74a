/// Why the daemon could not start. `paxosd` prints `paxosd: <message>` and
/// exits with `exitCode`: 2 for usage and config mistakes, 3 for the data
/// directory (locked by another daemon, corrupt log) and for sockets that
/// cannot be opened.
public struct NodeStartError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var exitCode: Int32

    public init(_ message: String, exitCode: Int32) {
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}
