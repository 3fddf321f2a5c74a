import PaxosCore

/// Simulated clients: each sends one operation at a time to a random live
/// node and records when it was invoked and how it ended.
extension Simulation {
    mutating func clientNext(_ client: Int) throws {
        guard !settling, clientBusy[client] == nil else { return }
        let alive = memberIDs
        guard !alive.isEmpty else {
            queue.push(.clientNext(client), at: now + 10)
            return
        }
        let node = alive[rng.int(in: 0...(alive.count - 1))]
        let isRead = rng.chance(options.readRate)
        let opIndex = ops.count
        clientBusy[client] = opIndex
        if isRead {
            let rid = nextRequestID(node)
            ops.append(ClientOp(kind: .read, node: node, requestID: rid, invokedMs: now))
            opByRequest[rid] = opIndex
            try step(node, .read(rid, payload: []))
        } else {
            let writeID = nextWriteID
            nextWriteID += 1
            try submitWrite(writeID, at: node, op: opIndex)
        }
    }

    mutating func submitWrite(_ writeID: UInt64, at node: NodeID, op opIndex: Int) throws {
        let rid = nextRequestID(node)
        checker.submittedWrites.insert(writeID)
        ops.append(ClientOp(kind: .write(id: writeID), node: node, requestID: rid, invokedMs: now))
        opByRequest[rid] = opIndex
        try step(node, .submit(Request(id: rid, payload: SimStateMachine.encode(writeID))))
    }

    mutating func nextRequestID(_ node: NodeID) -> RequestID {
        nodes[node]!.nextSerial += 1
        return RequestID(origin: node, serial: nodes[node]!.nextSerial)
    }

    mutating func clientReply(_ rid: RequestID, _ reply: ClientReply) throws {
        guard let opIndex = opByRequest.removeValue(forKey: rid) else { return }
        var op = ops[opIndex]
        guard op.outcome == .pending else { return }
        op.completedMs = now
        switch reply {
        case .result(let bytes):
            op.outcome = .ok(SimStateMachine.decode(bytes))
            if case .write = op.kind {
                counters.writesAcked += 1
            } else {
                counters.readsAnswered += 1
                op.expiredSeen = SimStateMachine.decodeExpired(bytes)
            }
        case .noQuorum:
            op.outcome = .noQuorum
            if case .write(let id) = op.kind {
                counters.writesNoQuorum += 1
                try checker.answeredNoQuorum(write: id, at: now)
            }
        case .timeout:
            op.outcome = .timeout
            if case .write = op.kind { counters.writesTimedOut += 1 }
        }
        ops[opIndex] = op
        if let client = clientBusy.first(where: { $0.value == opIndex })?.key {
            clientBusy[client] = nil
            queue.push(.clientNext(client), at: now + rng.u64(in: 0...5))
        } else if settling, case .ok = op.outcome {
            // Only the probe runs without a client while settling.
            probeSucceeded = true
        }
    }
}

/// Healing, the final probe and the end-of-run checks.
extension Simulation {
    var settleStartMs: UInt64 { options.faultMs }

    mutating func beginSettling() throws {
        settling = true
        healNetwork()
        tracer.note("faults stop; network heals", at: now)
        if options.restartAllAtEnd {
            // A restart of every node at once: only what was durable survives.
            for id in aliveIDs { crash(id) }
        }
        for id in ids where nodes[id]!.replica == nil {
            queue.push(.restart(id), at: now + rng.u64(in: 1...50))
        }
        queue.push(.probe, at: now + 100)
    }

    /// A write sent after healing must succeed: the cluster is live again.
    mutating func submitProbe() throws {
        let alive = memberIDs
        guard !alive.isEmpty else { return }
        let node = alive[rng.int(in: 0...(alive.count - 1))]
        let writeID = nextWriteID
        nextWriteID += 1
        try submitWrite(writeID, at: node, op: ops.count)
    }

    /// Healed and done: a leader, every node up and a voter again, every
    /// operation ended, and every replica applied to the same slot.
    func isSettled() -> Bool {
        guard probeSucceeded, clientBusy.isEmpty, aliveIDs.count == ids.count, let leader = leaderID else { return false }
        guard ops.allSatisfy({ $0.outcome != .pending }) else { return false }
        // Members vote; nodes outside the configuration (not yet added, or removed) learn.
        let members = nodes[leader]!.replica!.membership.members
        guard expiryCaughtUp(leader) else { return false }
        return ids.allSatisfy {
            let r = nodes[$0]!.replica!
            return r.isVoter == members.contains($0) && r.applied == checker.lastSlot && r.membership.members == members
        }
    }

    /// No lease is left past its deadline by the leader's clock: with
    /// nothing else written, the leader's empty batches move log time on.
    func expiryCaughtUp(_ leader: NodeID) -> Bool {
        let sm = nodes[leader]!.replica!.stateMachine
        guard let deadline = sm.nextDeadlineMs else { return true }
        return deadline > max(now + nodes[leader]!.wallOffsetMs, sm.logTimeMs)
    }

    func livenessFailure() -> Violation {
        let states = ids.map { id -> String in
            guard let r = nodes[id]!.replica else { return "n\(id)=down" }
            return "n\(id)=\(r.role.rawValue)/applied \(r.applied)/commit \(r.commitIndex)/voter \(r.isVoter)"
        }.joined(separator: " ")
        let pendingOps = ops.filter { $0.outcome == .pending }.count
        let leases = leaderID.map { "leases left \(nodes[$0]!.replica!.stateMachine.leases.count), " } ?? ""
        return Violation(check: .liveness, detail: "cluster did not settle within \(options.settleMs)ms after healing (\(leases)probe ok: \(probeSucceeded), pending ops: \(pendingOps), canonical slots: \(checker.lastSlot)); \(states)", timeMs: now)
    }

    func finalChecks() throws {
        guard isSettled() else { throw livenessFailure() }
        try checker.checkHistory(ops, at: now)
        for id in ids {
            let r = nodes[id]!.replica!
            try checker.checkState(node: id, slot: r.applied, state: r.stateMachine, at: now)
        }
    }
}

/// Member changes, submitted like client writes at a random live node.
extension Simulation {
    /// Live nodes that count themselves members: where clients go (paxosd
    /// stops a removed node; a node not yet added serves no one).
    var memberIDs: [NodeID] {
        let members = aliveIDs.filter { nodes[$0]!.replica!.config.isMember }
        return members.isEmpty ? aliveIDs : members
    }

    /// Adds a node that was never a member, or removes a member while more
    /// than three remain; judged against the leader's configuration.
    mutating func submitMemberChange() throws {
        guard let leader = leaderID, let current = nodes[leader]!.replica?.membership else { return }
        let addable = ids.filter { !current.members.contains($0) && !current.retired.contains($0) }
        let change: MemberChange
        if let node = addable.first, current.members.count < 3 || rng.chance(0.6) {
            change = MemberChange(kind: .add, node: node, address: Array("n\(node)".utf8))
        } else if current.members.count > 3, pendingRemoval.map(current.members.contains) != true {
            // As an operator would: never remove a member if the rest cannot
            // form a majority from intact disks (the wipe budget assumes so).
            let victim = current.members[rng.int(in: 0...(current.members.count - 1))]
            let damaged = damagedIDs.filter { $0 != victim }
            guard damaged.count <= (current.members.count - 2) / 2 else { return }
            change = MemberChange(kind: .remove, node: victim)
            pendingRemoval = victim
        } else {
            return
        }
        let alive = aliveIDs
        guard !alive.isEmpty else { return }
        let node = alive[rng.int(in: 0...(alive.count - 1))]
        checker.submittedChanges.insert(change.payload)
        tracer.note("member change \(change.kind) n\(change.node) asked at n\(node)", at: now)
        try step(node, .submit(Request(id: nextRequestID(node), payload: change.payload)))
    }
}
