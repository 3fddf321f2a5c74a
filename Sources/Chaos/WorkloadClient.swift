import Checker
import Glibc
import PaxosCore
import Client

/// One client: a connection to one node (it stays with that node, so a
/// minority side gets reads and writes too, until a member change removes
/// it: then it moves to a member), one op at a time, every op recorded
/// with its invoke and complete time.
struct WorkloadClient {
    private(set) var port: UInt16
    let members: MemberPorts?
    let options: WorkloadOptions
    let startNs: Int64
    let collector: HistoryCollector
    var random: SplitMix64
    private var connection: RESPClient?
    private var process: Int
    private var sequence = 0
    private var ops: [Operation] = []
    /// The last value this client saw per key: CAS expects it.
    private var lastSeen: [[UInt8]: [UInt8]] = [:]

    init(port: UInt16, options: WorkloadOptions, startNs: Int64, collector: HistoryCollector, seed: UInt64,
         members: MemberPorts? = nil) {
        self.port = port
        self.members = members
        self.options = options
        self.startNs = startNs
        self.collector = collector
        random = SplitMix64(seed: seed)
        process = collector.newProcess()
    }

    /// Runs ops until `deadlineNs`, then hands its history to the collector.
    mutating func run(untilNs deadlineNs: Int64) {
        while monotonicNs() < deadlineNs {
            guard let client = connect() else {
                sleepMs(50)  // the node is down or paused: try it again shortly
                continue
            }
            switch nextStep() {
            case .call(let call): perform(call, on: client)
            case .watchTransaction(let key): watchTransaction(key, on: client)
            }
        }
        connection?.close()
        collector.add(ops)
    }

    private mutating func connect() -> RESPClient? {
        if let connection { return connection }
        if let ports = members?.current, !ports.isEmpty, !ports.contains(port) {
            port = ports[Int(random.next() % UInt64(ports.count))]
        }
        connection = try? RESPClient(host: "127.0.0.1", port: port, timeoutSeconds: options.replyTimeoutSeconds)
        return connection
    }

    @discardableResult
    private mutating func perform(_ call: Call, on client: RESPClient) -> Outcome {
        let (op, replied) = ReplyClassifier.execute(call, on: client, process: process, collector: collector)
        if !replied { dropConnection(client) }
        record(op)
        return op.outcome
    }

    private mutating func record(_ op: Operation) {
        ops.append(op)
        // After an unknown outcome this client is a new process: its old op may still be in flight.
        if case .unknown = op.outcome {
            process = collector.newProcess()
        } else {
            remember(op.call, op.outcome)
        }
    }

    private mutating func dropConnection(_ client: RESPClient) {
        client.close()
        connection = nil
    }

    /// WATCH key, GET key (recorded as a read), MULTI, SET key new, EXEC.
    /// EXEC applies only if the key did not change since the WATCH, so the
    /// key still held what GET saw: an applied EXEC is recorded as
    /// CAS(key, seen, new), effective at EXEC; one that answered nil changed
    /// nothing and is not recorded; one with no answer is an unknown CAS.
    private mutating func watchTransaction(_ key: [UInt8], on client: RESPClient) {
        guard (try? client.call([Array("WATCH".utf8), key])) == .simpleString("OK") else { return dropConnection(client) }
        let read = perform(.get(key: key), on: client)
        guard connection != nil else { return }  // the GET got no reply: the connection is closed
        guard case .ok(.value(let seen?)) = read else {
            // Unanswered, its reply could arrive as the next op's: start afresh.
            if (try? client.call([Array("UNWATCH".utf8)])) != .simpleString("OK") { dropConnection(client) }
            return
        }
        let new = uniqueValue()
        guard (try? client.call([Array("MULTI".utf8)])) == .simpleString("OK"),
              (try? client.call([Array("SET".utf8), key, new])) == .simpleString("QUEUED") else { return dropConnection(client) }
        let call = Call.cas(key: key, expected: seen, new: new)
        let invokeNs = monotonicNs()
        let outcome: Outcome
        switch try? client.call([Array("EXEC".utf8)]) {
        case .array([.simpleString("OK")])?:
            outcome = .ok(.swapped(true))
        case .array(nil)?, .null?:
            return  // a watched key changed: nothing ran
        case .error(let message)? where message.hasPrefix("NOQUORUM"):
            return  // not applied, and never will be
        case .error(let message)? where message.hasPrefix("TIMEOUT"):
            outcome = .unknown
        case nil:
            dropConnection(client)
            outcome = .unknown
        case let other?:
            collector.noteUnexpected("reply \(other) to a WATCH transaction's EXEC")
            outcome = .unknown
        }
        let completeNs: Int64? = outcome == .unknown ? nil : monotonicNs()
        record(Operation(process: process, call: call, invokeNs: invokeNs, completeNs: completeNs, outcome: outcome))
    }

    private mutating func remember(_ call: Call, _ outcome: Outcome) {
        switch (call, outcome) {
        case (.get(let key), .ok(.value(let value?))): lastSeen[key] = value
        case (.set(let key, let value, _), .ok(.applied(true))): lastSeen[key] = value
        case (.cas(let key, _, let new), .ok(.swapped(true))), (.getSet(let key, let new), .ok),
             (.setPX(let key, let new, _), .ok):
            lastSeen[key] = new
        case (.mset(let pairs), .ok(.ok)): for pair in pairs { lastSeen[pair.key] = pair.value }
        case (.mget(let keys), .ok(.values(let values))):
            for (key, value) in zip(keys, values) { if let value { lastSeen[key] = value } }
        default: break
        }
    }

    enum Step {
        case call(Call)
        /// WATCH ... EXEC on this key (`watchTransaction`).
        case watchTransaction([UInt8])
    }

    /// The op mix: 12% on the window's key with a TTL (`volatileCall`); of
    /// the rest 36% GET, 18% SET (some NX/XX), 10% CAS, 5% WATCH transaction,
    /// 5% DEL, 18% INCR, and on the window's key pair 3% MGET, 3% MSET
    /// (atomic: one log entry), 2% SET of one of the pair.
    private mutating func nextStep() -> Step {
        let window = Int((monotonicNs() - startNs) / 1_000_000) / options.windowMs
        let keys = WorkloadOptions.keys(window: window, registers: options.registersPerWindow)
        let register = keys.registers[Int(random.next() % UInt64(keys.registers.count))]
        if random.next() % 100 < 12 { return .call(volatileCall(keys.volatile)) }
        let roll = random.next() % 100
        if (72..<77).contains(roll) { return .watchTransaction(register) }
        return .call(nextCall(roll, keys, register))
    }

    /// A key that expires: 30% GET, 25% SET PX, 15% PEXPIRE, 12% GETSET,
    /// 8% GETDEL, 10% plain SET. TTLs of 20 to 400 ms, so keys expire while
    /// clients still read them, through faults and leader changes.
    private mutating func volatileCall(_ key: [UInt8]) -> Call {
        let ms = Int64(20 + random.next() % 381)
        switch random.next() % 100 {
        case 0..<30: return .get(key: key)
        case 30..<55: return .setPX(key: key, value: uniqueValue(), ms: ms)
        case 55..<70: return .expire(key: key, ms: ms)
        case 70..<82: return .getSet(key: key, value: uniqueValue())
        case 82..<90: return .getDel(key: key)
        default: return .set(key: key, value: uniqueValue(), condition: .none)
        }
    }

    private mutating func nextCall(_ roll: UInt64, _ keys: (registers: [[UInt8]], counter: [UInt8], pair: [[UInt8]], volatile: [UInt8]),
                                   _ register: [UInt8]) -> Call {
        switch roll {
        case 0..<36:
            return .get(key: random.next() % 100 < 85 ? register : keys.counter)
        case 36..<39:
            return .mget(keys: keys.pair)
        case 39..<42:
            return .mset(pairs: keys.pair.map { KeyValue(key: $0, value: uniqueValue()) })
        case 42..<44:
            return .set(key: keys.pair[Int(random.next() % 2)], value: uniqueValue(), condition: .none)
        case 44..<62:
            let condition: SetCondition = switch random.next() % 10 { case 0: .nx; case 1: .xx; default: .none }
            return .set(key: register, value: uniqueValue(), condition: condition)
        case 62..<77:  // 72..<77 went to WATCH transactions
            guard let expected = lastSeen[register] else { return .get(key: register) }
            return .cas(key: register, expected: expected, new: uniqueValue())
        case 77..<82:
            return .del(keys: [register])
        default:
            return .incr(key: keys.counter, by: 1)
        }
    }

    /// Values never repeat in a run, so a read names the write it saw.
    private mutating func uniqueValue() -> [UInt8] {
        sequence += 1
        return Array("p\(process).\(sequence)".utf8)
    }
}
