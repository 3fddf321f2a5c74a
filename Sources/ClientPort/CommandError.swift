/// A request refused before it reaches the log: the text after '-', code first.
struct CommandError: Error, Equatable {
    var text: String

    init(_ text: String) { self.text = text }

    static func wrongArity(_ name: String) -> CommandError {
        CommandError("ERR wrong number of arguments for '\(name)' command")
    }

    /// As Redis: the name as typed, then up to 128 bytes of quoted arguments.
    static func unknownCommand(_ args: [[UInt8]]) -> CommandError {
        var rest = ""
        for arg in args.dropFirst() {
            // Bounded by the text, not by the argument count a client chose.
            guard rest.utf8.count < 128 else { break }
            rest += "'\(printable(arg, limit: 128 - rest.utf8.count))' "
        }
        return CommandError("ERR unknown command '\(printable(args[0]))', with args beginning with: \(rest)")
    }

    static func unknownSubcommand(_ sub: [UInt8], of command: String) -> CommandError {
        CommandError("ERR unknown subcommand '\(printable(sub))'. Try \(command) HELP.")
    }

    static let syntax = CommandError("ERR syntax error")
    static let notInteger = CommandError("ERR value is not an integer or out of range")
}
