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
            perform(nextCall(), on: client)
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

    private mutating func perform(_ call: Call, on client: RESPClient) {
        let (op, replied) = ReplyClassifier.execute(call, on: client, process: process, collector: collector)
        if !replied {
            client.close()
            connection = nil
        }
        ops.append(op)
        // After an unknown outcome this client is a new process: its old op may still be in flight.
        if case .unknown = op.outcome {
            process = collector.newProcess()
        } else {
            remember(call, op.outcome)
        }
    }

    private mutating func remember(_ call: Call, _ outcome: Outcome) {
        switch (call, outcome) {
        case (.get(let key), .ok(.value(let value?))): lastSeen[key] = value
        case (.set(let key, let value, _), .ok(.applied(true))): lastSeen[key] = value
        case (.cas(let key, _, let new), .ok(.swapped(true))): lastSeen[key] = new
        case (.mset(let pairs), .ok(.ok)): for pair in pairs { lastSeen[pair.key] = pair.value }
        case (.mget(let keys), .ok(.values(let values))):
            for (key, value) in zip(keys, values) { if let value { lastSeen[key] = value } }
        default: break
        }
    }

    /// The op mix: 36% GET, 18% SET (some NX/XX), 15% CAS, 5% DEL, 18% INCR,
    /// and on the window's key pair 3% MGET, 3% MSET (atomic: one log entry),
    /// 2% SET of one of the pair.
    private mutating func nextCall() -> Call {
        let window = Int((monotonicNs() - startNs) / 1_000_000) / options.windowMs
        let keys = WorkloadOptions.keys(window: window, registers: options.registersPerWindow)
        let register = keys.registers[Int(random.next() % UInt64(keys.registers.count))]
        let roll = random.next() % 100
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
        case 62..<77:
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
