import PaxosCore
import Simulator

typealias TestReplica = Replica<SimStateMachine>

/// Drives one replica by hand: every input returns its output, and the
/// records it asked to persist are kept so a test can "restart" it.
struct Harness {
    var replica: TestReplica
    var durable: [Record] = []
    var emitted: [Record] = []
    /// Records this incarnation made durable (the core counts per incarnation).
    var durableThisRun: UInt64 = 0
    var now: UInt64 = 1_000

    init(id: NodeID, members: [NodeID] = [1, 2, 3], recovered: RecoveredState? = nil, configure: (inout CoreConfig) -> Void = { _ in }) {
        var config = CoreConfig(id: id, members: members)
        configure(&config)
        var state = recovered ?? RecoveredState()
        if recovered == nil { state.hasJoined = true }   // a voter with an empty log
        replica = TestReplica(config: config, stateMachine: SimStateMachine(), recovered: state)
    }

    @discardableResult
    mutating func step(_ input: Input) -> Output {
        let out = replica.step(input)
        emitted.append(contentsOf: out.persist)
        return out
    }

    @discardableResult
    mutating func receive(_ message: Message, from: NodeID) -> Output { step(.receive(from: from, message)) }

    @discardableResult
    mutating func tick(advanceMs: UInt64 = 10) -> Output {
        now += advanceMs
        return step(.tick(nowMs: now, wallMs: now + 1_700_000_000_000))
    }

    /// Ticks with both peers of a three-node cluster reporting in, until this
    /// node stands for election; returns the output of that tick.
    @discardableResult
    mutating func standUntilCandidate(peersPromised: Ballot = .zero) -> Output {
        var out = Output()
        for _ in 0..<60 where replica.role == .follower {
            out = tick(advanceMs: 20)
            guard replica.role == .follower else { break }
            for peer in replica.config.peers {
                let status = Status(applied: 0, promised: peersPromised, leader: 0, isVoter: true, hasHistory: !peersPromised.isZero,
                                    hears: [replica.config.id])
                receive(.status(status), from: peer)
            }
        }
        return out
    }

    /// Node 3 leading a three-node cluster with its first slot chosen (node 1's ack).
    static func leadingNode3(configure: (inout CoreConfig) -> Void = { _ in }) -> Harness {
        var h = Harness(id: 3, configure: configure)
        h.standUntilCandidate()
        h.persistAll()
        let b = h.replica.ballot
        h.receive(.promise(ballot: b, snapshotIndex: 0, accepted: []), from: 1)
        h.persistAll()
        h.receive(.accepted(ballot: b, slot: 1), from: 1)
        return h
    }

    /// Everything emitted so far becomes durable.
    @discardableResult
    mutating func persistAll() -> Output {
        durable.append(contentsOf: emitted)
        durableThisRun += UInt64(emitted.count)
        emitted = []
        return step(.persisted(count: durableThisRun))
    }

    /// A restart from what is durable.
    func restarted(configure: (inout CoreConfig) -> Void = { _ in }) -> Harness {
        var h = Harness(id: replica.config.id, members: replica.config.members, recovered: RecoveredState.replay(durable), configure: configure)
        h.durable = durable
        return h
    }
}

extension Output {
    func messages(to node: NodeID) -> [Message] { messages.filter { $0.to == node }.map(\.message) }
}

func ballot(_ round: UInt64, _ node: NodeID) -> Ballot { Ballot(round: round, node: node) }

func write(_ id: UInt64, origin: NodeID = 1, serial: UInt64 = 1) -> Request {
    Request(id: RequestID(origin: origin, serial: serial), payload: SimStateMachine.encode(id))
}
