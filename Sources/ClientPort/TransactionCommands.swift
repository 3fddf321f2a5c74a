import KVStore
import Wire

// MULTI / EXEC / DISCARD: the queued commands become one `.multi` log entry,
// applied atomically. As in Redis, a command refused while queueing makes
// EXEC answer EXECABORT; errors while applying are per-command replies.
extension CommandRouter {
    func transaction(_ name: CommandName, _ args: [[UInt8]], session: ConnectionState) throws(CommandError) -> RouteDecision {
        switch name {
        case .multi:
            guard session.multiQueue == nil else { throw CommandError("ERR MULTI calls can not be nested") }
            session.multiQueue = []
            session.multiQueueBytes = 0
            session.multiFailed = false
            return .reply(.simpleString("OK"))
        case .discard:
            guard session.multiQueue != nil else { throw CommandError("ERR DISCARD without MULTI") }
            session.endTransaction()
            return .reply(.simpleString("OK"))
        case .exec:
            return try exec(session)
        case .watch:
            guard session.multiQueue == nil else { throw CommandError("ERR WATCH inside MULTI is not allowed") }
            if let refusal = args.dropFirst().lazy.compactMap({ self.limits.validate(key: $0) }).first {
                throw CommandError(refusal)
            }
            return .watch(Array(args[1...]))
        case .unwatch:
            session.unwatch()
            return .reply(.simpleString("OK"))
        default:
            preconditionFailure("not a transaction command: \(name)")
        }
    }

    private func exec(_ session: ConnectionState) throws(CommandError) -> RouteDecision {
        guard let queued = session.multiQueue else { throw CommandError("ERR EXEC without MULTI") }
        let failed = session.multiFailed
        let watched = session.watched
        session.endTransaction()
        guard !failed else { throw CommandError("EXECABORT Transaction discarded because of previous errors.") }
        // Watched keys are checked where the transaction is applied, in the log.
        if !watched.isEmpty { return .write(.watchedMulti(watched, queued)) }
        guard !queued.isEmpty else { return .reply(.array([])) }
        let command = KVCommand.multi(queued)
        // A MULTI of reads stays linearizable even on a READONLY connection.
        return command.isReadOnly ? .read(command) : .write(command)
    }

    /// Between MULTI and EXEC: parse and check now, apply later; `+QUEUED`.
    func enqueue(_ name: CommandName, _ args: [[UInt8]], session: ConnectionState) -> RouteDecision {
        precondition(session.multiQueue != nil, "enqueue outside MULTI")
        do throws(CommandError) {
            guard name.isKeyValue else {
                throw CommandError("ERR '\(name.rawValue)' is not supported inside MULTI")
            }
            guard name != .rid else { throw CommandError("ERR RID is not allowed inside MULTI") }
            let command = try KVCommandParser.parse(name, args)
            if let refusal = limits.validate(command) { throw CommandError(refusal) }
            let bytes = args.reduce(0) { $0 + $1.count }
            guard session.multiQueue!.count < maxQueuedCommands,
                  session.multiQueueBytes + bytes <= maxQueuedBytes else {
                throw CommandError("ERR MULTI queue is full (\(maxQueuedCommands) commands or \(maxQueuedBytes) bytes at most)")
            }
            session.multiQueue!.append(command)
            session.multiQueueBytes += bytes
            return .reply(.simpleString("QUEUED"))
        } catch {
            session.multiFailed = true
            return .reply(.error(error.text))
        }
    }
}
