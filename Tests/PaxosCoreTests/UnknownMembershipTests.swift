import PaxosCore
import Simulator
import Testing

/// A node started with `CoreConfig.knowsMembers = false` (`paxosd --join`,
/// or an empty data directory): it applies nothing until a snapshot that
/// carries the configuration is installed, asks for one with a fetch from
/// slot 0, and a brand-new cluster takes its file's configuration by the
/// fresh-cluster rule (Learner+CatchUp.swift, Learner.swift,
/// Replica+Membership.swift, Election+Admission.swift).
@Suite("A node that does not know its configuration")
struct UnknownMembershipTests {
    /// How the unknowing node started.
    enum Start: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// Node 3 of {1, 2, 3} with an empty data directory.
        case emptyDirectory
        /// Node 4, outside {1, 2, 3}, started with `--join`.
        case joining

        var id: NodeID { self == .emptyDirectory ? 3 : 4 }
        var testDescription: String { rawValue }

        func harness() -> Harness {
            Harness(id: id, members: [1, 2, 3], recovered: RecoveredState()) { config in
                config.knowsMembers = false
                config.joining = self == .joining
            }
        }
    }

    static let addresses: [NodeID: [UInt8]] = [1: Array("p1|c1".utf8), 2: Array("p2|c2".utf8), 3: Array("p3|c3".utf8)]

    static func batch(_ id: UInt64, serial: UInt64) -> Value {
        .batch(timeMs: serial, requests: [write(id, origin: 2, serial: serial)])
    }

    /// A voter of {1, 2, 3} that applied `values` at slots 1... (accepted from leader 2, then committed).
    static func server(applying values: [Value], configure: (inout CoreConfig) -> Void = { _ in }) -> Harness {
        var h = Harness(id: 1, configure: configure)
        h.tick()
        for (i, value) in values.enumerated() {
            h.receive(.accept(ballot: ballot(1, 2), slot: Slot(i + 1), value: value, commit: Slot(i)), from: 2)
        }
        h.persistAll()
        h.receive(.heartbeat(ballot: ballot(1, 2), commit: Slot(values.count), seq: 1), from: 2)
        return h
    }

    /// The one snapshot `out` sends to `node`, if exactly one.
    static func snapshotSent(_ out: Output, to node: NodeID) -> (index: Slot, data: [UInt8])? {
        let snapshots = out.messages(to: node).compactMap { message -> (Slot, [UInt8])? in
            if case .snapshot(let index, let data) = message { return (index, data) } else { return nil }
        }
        return snapshots.count == 1 ? snapshots[0] : nil
    }

    static func fetches(_ out: Output) -> [(to: NodeID, fromSlot: Slot)] {
        out.messages.compactMap { env in
            if case .fetch(let fromSlot) = env.message { return (env.to, fromSlot) } else { return nil }
        }
    }

    static func isDropped(_ event: CoreEvent, from node: NodeID, containing text: String) -> Bool {
        if case .dropped(let from, let reason) = event { return from == node && reason.contains(text) }
        return false
    }

    // MARK: a) applies nothing, fetches from slot 0

    @Test("chosen entries from a member are held, not applied; a peer that applied slots is asked for slot 0",
          arguments: Start.allCases)
    func holdsChosenAndFetchesFromZero(start: Start) {
        var h = start.harness()
        h.tick()
        #expect(!h.replica.knowsMembers && !h.replica.isVoter)
        let chosen = h.receive(.chosen([ChosenEntry(slot: 1, value: Self.batch(1, serial: 1)),
                                        ChosenEntry(slot: 2, value: Self.batch(2, serial: 2))]), from: 2)
        #expect(chosen.applied.isEmpty)
        #expect(h.replica.applied == 0)
        #expect(h.replica.stateMachine == SimStateMachine())
        #expect(h.replica.commitIndex == 2, "it learns the slots are chosen")
        #expect(Self.fetches(chosen).isEmpty, "no peer has reported what it applied yet")

        let status = Status(applied: 5, promised: ballot(1, 2), leader: 2, isVoter: true, hasHistory: true, hears: [1])
        let out = h.receive(.status(status), from: 2)
        #expect(h.replica.applied == 0 && out.applied.isEmpty)
        #expect(!h.replica.knowsMembers)
        let fetches = Self.fetches(out)
        #expect(fetches.count == 1)
        #expect(fetches.first?.to == 2 && fetches.first?.fromSlot == 0, "\(fetches)")
    }

    @Test("the fetch from slot 0 is repeated on a tick once its retry timeout passed, never from a later slot",
          arguments: Start.allCases)
    func refetchesFromZeroOnTick(start: Start) {
        var h = start.harness()
        h.tick()
        h.receive(.chosen([ChosenEntry(slot: 1, value: Self.batch(1, serial: 1))]), from: 1)
        let status = Status(applied: 3, promised: ballot(1, 1), leader: 1, isVoter: true, hasHistory: true)
        #expect(Self.fetches(h.receive(.status(status), from: 1)).map(\.fromSlot) == [0])
        // Retry: 2 heartbeats (2 x 50 ms).
        var again: [(to: NodeID, fromSlot: Slot)] = []
        var ticks = 0
        while again.isEmpty && ticks < 20 {
            again = Self.fetches(h.tick(advanceMs: 10))
            ticks += 1
        }
        #expect(ticks == 10, "the second fetch waits out the retry timeout")
        #expect(again.count == 1 && again.first?.to == 1 && again.first?.fromSlot == 0, "\(again)")
        #expect(h.replica.applied == 0)
    }

    // MARK: b) a member serves the configuration

    @Test("a fetch from slot 0 by a node outside the configuration gets a snapshot that carries the configuration")
    func servesConfiguration() throws {
        var server = Self.server(applying: [Self.batch(1, serial: 1), Self.batch(2, serial: 2)]) {
            $0.memberAddresses = Self.addresses
        }
        #expect(server.replica.applied == 2)
        let out = server.receive(.fetch(fromSlot: 0), from: 9)
        #expect(out.messages.allSatisfy { $0.to == 9 })
        let snapshot = try #require(Self.snapshotSent(out, to: 9))
        #expect(snapshot.index == 2)
        let carried = try #require(CoreSnapshot.membership(in: snapshot.data))
        #expect(carried == server.replica.membership)
        #expect(carried.members == [1, 2, 3] && carried.addresses == Self.addresses && carried.slot == 0)
        // The slots after the snapshot follow it: none here.
        #expect(out.messages(to: 9).count == 1)
        // A member asking from slot 0 gets the same.
        let member = try #require(Self.snapshotSent(server.receive(.fetch(fromSlot: 0), from: 2), to: 2))
        #expect(CoreSnapshot.membership(in: member.data) == server.replica.membership)
    }

    @Test("a node that applied nothing has no configuration to tell: a fetch from slot 0 gets no answer")
    func servesNothingBeforeApplying() {
        var server = Harness(id: 1) { $0.memberAddresses = Self.addresses }
        server.tick()
        #expect(server.replica.applied == 0)
        #expect(server.receive(.fetch(fromSlot: 0), from: 9).messages.isEmpty)
        #expect(server.receive(.fetch(fromSlot: 0), from: 2).messages.isEmpty)
    }

    // MARK: c) installing the snapshot

    @Test("a joining node installs a snapshot taken after its addition: it knows and adopts that configuration, applies, and votes")
    func joiningNodeInstallsConfiguration() throws {
        let add = MemberChange(kind: .add, node: 4, address: Array("p4|c4".utf8))
        let change = Value.batch(timeMs: 1, requests: [Request(id: RequestID(origin: 2, serial: 1), payload: add.payload)])
        var server = Self.server(applying: [change, Self.batch(2, serial: 2)]) { $0.memberAddresses = Self.addresses }
        #expect(server.replica.applied == 2)
        #expect(server.replica.membership.members == [1, 2, 3, 4] && server.replica.membership.slot == 1)
        let snapshot = try #require(Self.snapshotSent(server.receive(.fetch(fromSlot: 0), from: 4), to: 4))

        var joiner = Start.joining.harness()
        joiner.tick()
        let out = joiner.receive(.snapshot(index: snapshot.index, data: snapshot.data), from: 1)
        #expect(joiner.replica.knowsMembers)
        #expect(joiner.replica.membership == server.replica.membership)
        #expect(joiner.replica.membership.addresses[4] == add.address)
        #expect(joiner.replica.membership.addresses[1] == Self.addresses[1])
        #expect(joiner.replica.config.members == [1, 2, 3, 4])
        #expect(joiner.replica.applied == 2 && joiner.replica.snapshotIndex == 2)
        #expect(joiner.replica.stateMachine == server.replica.stateMachine)
        #expect(out.events.contains(.membershipChanged(slot: 1, members: [1, 2, 3, 4])))
        #expect(out.events.contains(.snapshotInstalled(index: 2, from: 1)))
        // Durable as received (it carries the configuration), then — the
        // change that added it applied — it votes.
        #expect(out.persist.first == .snapshot(index: 2, promised: .zero, data: snapshot.data))
        #expect(joiner.replica.isVoter)
        #expect(out.persist.last == .joined)
        // Now chosen slots apply.
        let next = joiner.receive(.chosen([ChosenEntry(slot: 3, value: Self.batch(3, serial: 3))]), from: 1)
        #expect(next.applied.map(\.0) == [3])
        #expect(joiner.replica.applied == 3)
    }

    @Test("a member with an empty directory installs a member's snapshot: it adopts its addresses, and stays a learner (rule 9)")
    func emptyDirectoryInstallsConfiguration() throws {
        var server = Self.server(applying: [Self.batch(1, serial: 1)]) { $0.memberAddresses = Self.addresses }
        let snapshot = try #require(Self.snapshotSent(server.receive(.fetch(fromSlot: 0), from: 3), to: 3))

        var node = Start.emptyDirectory.harness()
        node.tick()
        #expect(node.replica.membership.addresses.isEmpty)
        let out = node.receive(.snapshot(index: snapshot.index, data: snapshot.data), from: 1)
        #expect(node.replica.knowsMembers)
        #expect(node.replica.membership == server.replica.membership)
        #expect(node.replica.membership.members == [1, 2, 3])
        #expect(node.replica.membership.addresses == Self.addresses)
        #expect(node.replica.applied == 1)
        #expect(node.replica.stateMachine == server.replica.stateMachine)
        #expect(out.events.contains(.membershipChanged(slot: 0, members: [1, 2, 3])))
        #expect(out.persist == [.snapshot(index: 1, promised: .zero, data: snapshot.data)])
        #expect(!node.replica.isVoter, "knowing the configuration is no admission")
        // What it made durable brings the configuration back after a restart.
        node.persistAll()
        let restarted = node.restarted { $0.knowsMembers = false }
        #expect(restarted.replica.knowsMembers)
        #expect(restarted.replica.membership == server.replica.membership)
    }

    // MARK: d) a snapshot without a configuration

    @Test("a snapshot of bare state-machine bytes is refused by a node that does not know its configuration",
          arguments: Start.allCases)
    func bareSnapshotRefused(start: Start) {
        var state = SimStateMachine()
        _ = state.apply(SimStateMachine.encode(7), logTimeMs: 1)
        var h = start.harness()
        h.tick()
        let out = h.receive(.snapshot(index: 5, data: state.snapshot()), from: 2)
        #expect(!h.replica.knowsMembers)
        #expect(h.replica.applied == 0 && h.replica.snapshotIndex == 0)
        #expect(h.replica.stateMachine == SimStateMachine())
        #expect(out.persist.isEmpty)
        #expect(out.events.contains { Self.isDropped($0, from: 2, containing: "snapshot does not decode") }, "\(out.events)")
        #expect(!out.events.contains { if case .snapshotInstalled = $0 { return true } else { return false } })
        // A snapshot that carries the configuration is still taken afterwards.
        let good = CoreSnapshot.encode(Membership(members: [1, 2, 3], addresses: Self.addresses), state.snapshot())
        h.receive(.snapshot(index: 5, data: good), from: 2)
        #expect(h.replica.knowsMembers && h.replica.applied == 5 && h.replica.stateMachine == state)
    }

    @Test("a node that knows its configuration installs bare state-machine bytes and keeps its configuration")
    func bareSnapshotKeepsKnownConfiguration() {
        var state = SimStateMachine()
        _ = state.apply(SimStateMachine.encode(7), logTimeMs: 1)
        var h = Harness(id: 1) { $0.memberAddresses = Self.addresses }
        h.tick()
        let before = h.replica.membership
        let out = h.receive(.snapshot(index: 5, data: state.snapshot()), from: 2)
        #expect(h.replica.applied == 5 && h.replica.stateMachine == state)
        #expect(h.replica.membership == before)
        #expect(out.events.contains(.snapshotInstalled(index: 5, from: 2)))
        #expect(!out.events.contains { if case .membershipChanged = $0 { return true } else { return false } })
    }

    @Test("a snapshot whose configuration does not decode is refused", arguments: Start.allCases)
    func corruptConfigurationRefused(start: Start) {
        let good = CoreSnapshot.encode(Membership(members: [1, 2, 3]), SimStateMachine().snapshot())
        var h = start.harness()
        h.tick()
        let out = h.receive(.snapshot(index: 5, data: Array(good.dropLast())), from: 2)
        #expect(!h.replica.knowsMembers && h.replica.applied == 0 && out.persist.isEmpty)
        #expect(out.events.contains { Self.isDropped($0, from: 2, containing: "snapshot does not decode") })
    }

    // MARK: e) the fresh-cluster rule

    @Test("a fresh node that hears every other node fresh takes its configuration: a snapshot at 0 before .joined")
    func freshRuleOneNode() throws {
        var h = Harness(id: 1, recovered: RecoveredState()) { config in
            config.knowsMembers = false
            config.memberAddresses = Self.addresses
        }
        h.tick()
        let fresh = Status(applied: 0, promised: .zero, leader: 0, isVoter: false, hasHistory: false, hears: [1])
        h.receive(.status(fresh), from: 2)
        let one = h.tick()
        #expect(one.persist.isEmpty, "one fresh peer of two is not every other node")
        #expect(!h.replica.knowsMembers && !h.replica.isVoter)
        h.receive(.status(fresh), from: 3)
        let out = h.tick()
        #expect(h.replica.knowsMembers && h.replica.isVoter)
        #expect(out.persist.count == 2, "\(out.persist)")
        guard case .snapshot(let index, let promised, let data)? = out.persist.first else {
            Issue.record("the first record is not a snapshot: \(out.persist)")
            return
        }
        #expect(index == 0 && promised == .zero)
        let carried = try #require(CoreSnapshot.membership(in: data))
        #expect(carried == Membership(members: [1, 2, 3], addresses: Self.addresses))
        #expect(carried == h.replica.membership)
        #expect(out.persist.last == .joined)
        let changed = out.events.firstIndex(of: .membershipChanged(slot: 0, members: [1, 2, 3]))
        let voter = out.events.firstIndex(of: .becameVoter)
        #expect(changed != nil && voter != nil)
        if let changed, let voter { #expect(changed < voter) }
        // Durable, it survives a restart: the restarted node knows the configuration and votes.
        h.persistAll()
        let restarted = h.restarted { $0.knowsMembers = false }
        #expect(restarted.replica.knowsMembers && restarted.replica.isVoter)
        #expect(restarted.replica.membership == carried)
    }

    @Test("three fresh nodes that do not know their configuration become voters, each with a snapshot at 0 before .joined, and then commit")
    func freshRuleThreeNodes() throws {
        var c = ScriptedCluster(nodes: 3, fresh: true) { _, config in
            config.knowsMembers = false
            config.memberAddresses = Self.addresses
        }
        #expect(c.ids.allSatisfy { !c.replica($0).knowsMembers && !c.replica($0).isVoter })
        c.run(ms: 3_000, holding: { $0.message.kind == "prepare" }, until: { c in c.ids.allSatisfy { c.replica($0).isVoter } })
        let expected = Membership(members: [1, 2, 3], addresses: Self.addresses)
        for id in c.ids {
            #expect(c.replica(id).isVoter && c.replica(id).knowsMembers, "node \(id)")
            #expect(c.replica(id).membership == expected, "node \(id)")
            let records = c.nodes[id]!.durable + c.nodes[id]!.pending
            let joined = try #require(records.firstIndex(of: .joined), "node \(id) never joined")
            let snapshot = try #require(records.firstIndex { if case .snapshot(0, _, _) = $0 { return true } else { return false } },
                                        "node \(id) has no snapshot at 0")
            #expect(snapshot < joined, "node \(id): the configuration is durable before .joined")
            if case .snapshot(_, _, let data) = records[snapshot] {
                #expect(CoreSnapshot.membership(in: data) == expected, "node \(id)")
            }
            #expect(c.events.contains { $0.0 == id && $0.1 == .membershipChanged(slot: 0, members: [1, 2, 3]) }, "node \(id)")
        }
        c.run(ms: 3_000, until: { $0.leader != nil })
        let leader = try #require(c.leader)
        let w = c.submitWrite(at: leader)
        c.run(ms: 2_000, until: { $0.isAcknowledged(w) && $0.allApplied(through: $0.slot(of: w) ?? .max) })
        #expect(c.isAcknowledged(w))
        #expect(c.allApplied(through: c.slot(of: w) ?? .max), "every node applies once it knows its configuration")
        #expect(c.violations.isEmpty, "\(c.violations)")
    }
}
