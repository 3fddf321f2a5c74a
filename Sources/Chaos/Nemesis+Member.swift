import Client
import PaxosCore
import Wire

/// The `member` fault: one member change through the log, the way an
/// operator makes it. A spare starts with `--join` and is added; or a
/// member is removed (every other removal the leader, which hands over and
/// exits). Members stay between the starting count and two more. The
/// effect is the change taking hold: the new node votes, the removed one exits 0.
enum MemberStep { case add, removeLeader, removeFollower }

extension Nemesis {
    /// How long one change may take to commit and take hold.
    static let memberChangeTimeoutMs: Int64 = 20_000

    func changeMembers(_ record: inout FaultRecord, untilNs endNs: Int64) {
        let leader = cluster.leader()
        record.startNs = monotonicNs()
        if let step = nextMemberStep {
            nextMemberStep = nil
            switch step {
            case .add:
                guard let id = cluster.takeSpare() else { preconditionFailure("no spare id left") }
                add(id, &record)
            case .removeLeader:
                remove(leader ?? cluster.ids[0], leader: leader, &record)
            case .removeFollower:
                remove(cluster.ids.first { $0 != leader }!, leader: leader, &record)
            }
            return
        }
        let grows: Bool
        if cluster.size <= minimumMembers {
            grows = true
        } else if cluster.size >= minimumMembers + 2 {
            grows = false
        } else {
            grows = random.next() % 2 == 0
        }
        if grows, let id = cluster.takeSpare() {
            add(id, &record)
        } else if cluster.size > minimumMembers || !grows {
            let others = cluster.ids.filter { $0 != leader }
            let target = memberRemovals % 2 == 0 && leader != nil ? leader! : others[Int(random.next() % UInt64(others.count))]
            memberRemovals += 1
            remove(target, leader: leader, &record)
        } else {
            record.summary = "no spare id left to add"
            announce(record)
        }
    }

    private func add(_ id: Int, _ record: inout FaultRecord) {
        let (peer, client) = cluster.addresses[id]!
        record.summary = "add node \(id) (--join, MEMBER ADD \(id) \(peer) \(client))"
        announce(record)
        do throws(ChaosError) {
            try cluster.start(id)
        } catch {
            problems.append("fault \(record.number): cannot start node \(id): \(error)")
            return
        }
        let deadlineNs = record.startNs + Self.memberChangeTimeoutMs * 1_000_000
        guard commitChange(["MEMBER", "ADD", "\(id)", peer, client], done: "is already a member", untilNs: deadlineNs) else {
            problems.append("fault \(record.number): MEMBER ADD \(id) did not commit within \(Self.memberChangeTimeoutMs) ms")
            return
        }
        cluster.noteAdded(id)
        let committedMs = milliseconds(monotonicNs() - record.startNs)
        if waitUntil(deadlineNs: deadlineNs, { cluster.info(id)?["voter"] == "1" }) {
            record.effect = "committed after \(committedMs) ms; node \(id) votes after \(milliseconds(monotonicNs() - record.startNs)) ms"
        } else {
            problems.append("fault \(record.number): node \(id) was added but does not vote")
        }
        if let effect = record.effect { say("fault \(record.number): \(effect)") }
    }

    private func remove(_ id: Int, leader: Int?, _ record: inout FaultRecord) {
        record.summary = "remove " + describeNodes([id], leader: leader) + " (MEMBER REMOVE \(id))"
        announce(record)
        let deadlineNs = record.startNs + Self.memberChangeTimeoutMs * 1_000_000
        guard commitChange(["MEMBER", "REMOVE", "\(id)"], done: "is not a member", untilNs: deadlineNs) else {
            problems.append("fault \(record.number): MEMBER REMOVE \(id) did not commit within \(Self.memberChangeTimeoutMs) ms")
            return
        }
        cluster.noteRemoved(id)
        let committedMs = milliseconds(monotonicNs() - record.startNs)
        guard waitUntil(deadlineNs: deadlineNs, { cluster.hasExited(id) == true }) else {
            problems.append("fault \(record.number): node \(id) was removed but did not exit")
            return
        }
        var effect = "committed after \(committedMs) ms; node \(id) exited after \(milliseconds(monotonicNs() - record.startNs)) ms"
        var successor: Int?
        if id == leader, waitUntil(deadlineNs: deadlineNs, {
            successor = cluster.leader()
            return successor != nil
        }) {
            effect += "; leader \(id)→\(successor!) after \(milliseconds(monotonicNs() - record.startNs)) ms"
        }
        record.effect = effect
        say("fault \(record.number): \(effect)")
    }

    /// Sends the change to members in turn until one answers +OK (or says it
    /// is already done: an earlier attempt's outcome was unknown); -BUSY,
    /// -NOQUORUM, -TIMEOUT and silence are retried.
    private func commitChange(_ words: [String], done: String, untilNs deadlineNs: Int64) -> Bool {
        var attempt = 0
        var tried = false
        while monotonicNs() < deadlineNs {
            let members = cluster.ids
            let id = members[attempt % members.count]
            attempt += 1
            guard let port = cluster.clientPorts[id],
                  let client = try? RESPClient(host: "127.0.0.1", port: port, timeoutSeconds: 6) else {
                sleepMs(100)
                continue
            }
            let reply = try? client.call(words.map { Array($0.utf8) })
            client.close()
            switch reply {
            case .simpleString("OK")?:
                return true
            case .error(let text)? where tried && text.contains(done):
                return true
            case .error(let text)?:
                say("member change: node \(id) answered -\(text); retrying")
            default:
                break
            }
            tried = true
            sleepMs(200)
        }
        return false
    }
}
