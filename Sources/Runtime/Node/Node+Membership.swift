import ClientPort
import Config
import PaxosCore
import Posix
import Wire

/// Membership in the runtime: where the members are (the committed
/// configuration's addresses first, the config file's for the rest),
/// MEMBERS and MEMBER, and what a change means for the peer links.
extension Node {
    /// The initial configuration of a cluster the config file describes:
    /// every `[node.N]`, with its addresses (what the log's changes build on).
    static func fileMembership(_ config: ClusterConfig) -> Membership {
        var addresses: [NodeID: [UInt8]] = [:]
        for node in config.nodes { addresses[node.id] = MemberAddress.encode(peer: node.peer, client: node.client) }
        return Membership(members: config.members, addresses: addresses)
    }

    /// The hash peers compare in the handshake: ids and addresses of the committed configuration.
    static func configurationHash(_ membership: Membership) -> UInt64 {
        membershipHash(members: membership.members.map { ($0, String(decoding: membership.addresses[$0] ?? [], as: UTF8.self)) })
    }

    /// Every node this one knows of and its addresses: the committed
    /// configuration's members, then the file's other nodes (a joining
    /// node's way in; a node being added), never a removed id.
    func knownAddresses() -> [NodeID: (peer: HostPort, client: HostPort)] {
        let membership = replica.membership
        var known: [NodeID: (peer: HostPort, client: HostPort)] = [:]
        for node in config.nodes where !membership.retired.contains(node.id) { known[node.id] = (node.peer, node.client) }
        if replica.knowsMembers {
            for id in membership.members {
                if let bytes = membership.addresses[id], let address = MemberAddress.decode(bytes) { known[id] = address }
            }
        }
        return known
    }

    /// Points the peer links at the nodes we know and tells the handshake
    /// our committed configuration. Outside it (joining), we dial lower ids too.
    func refreshPeers() {
        var addresses: [NodeID: SocketAddress] = [:]
        for (id, address) in knownAddresses() where id != me.id {
            let target = options.peerVia[id] ?? address.peer
            do throws(IOError) {
                addresses[id] = try SocketAddress(resolvingHost: target.host, port: target.port)
            } catch {
                log.warn("cannot resolve a peer's address", ["peer": id, "address": target, "error": error])
            }
        }
        // A joining node is outside the members it starts with; the others do not dial it yet.
        let isMember = replica.membership.members.contains(me.id)
        peers.setConfiguration(hash: Self.configurationHash(replica.membership),
                               slot: replica.knowsMembers ? replica.membership.slot : nil)
        peers.setPeers(addresses, reverse: !isMember)
    }

    /// The committed configuration changed (a change applied, a snapshot installed).
    func membershipChanged() {
        refreshPeers()
        logFileDifference()
    }

    /// "The committed configuration overrides the config file": say where they differ.
    func logFileDifference() {
        guard replica.knowsMembers else { return }
        let committed = replica.membership.members
        let file = config.members
        guard committed != file else { return }
        let missing = committed.filter { !file.contains($0) }
        let extra = file.filter { !committed.contains($0) }
        log.info("the committed configuration differs from the config file; the committed one is used",
                 ["slot": replica.membership.slot, "members": committed.map(String.init).joined(separator: ","),
                  "not_in_file": missing.map(String.init).joined(separator: ","),
                  "only_in_file": extra.map(String.init).joined(separator: ",")])
    }

    /// This node as MEMBERS and INFO show it.
    var memberState: MemberRow.State {
        if replica.isVoter { return .voter }
        let isMember = replica.knowsMembers && replica.membership.members.contains(me.id)
        return replica.isJoining || options.join && !isMember ? .joining : .learner
    }

    /// MEMBERS: this node's view of the committed configuration.
    func memberRows() -> [MemberRow] {
        let known = knownAddresses()
        let membership = replica.membership
        return membership.members.map { id in
            let address = known[id]
            let state: MemberRow.State
            if id == me.id {
                state = memberState
            } else if let progress = replica.peerProgress(id) {
                // A non-voter still short of the change that added it is joining.
                state = progress.isVoter ? .voter : (progress.applied < membership.slot ? .joining : .learner)
            } else {
                state = .learner
            }
            return MemberRow(id: id, peer: address.map { "\($0.peer)" } ?? "?", client: address.map { "\($0.client)" } ?? "?",
                             state: state, isUp: id == me.id || peers.isUp(id))
        }
    }

    /// Why an added member's addresses are refused, or nil: no two nodes share a peer or client address.
    func addressConflict(_ change: MemberChange) -> String? {
        guard change.kind == .add, let added = MemberAddress.decode(change.address) else { return nil }
        for (id, address) in knownAddresses().sorted(by: { $0.key < $1.key })
        where id != change.node && replica.membership.members.contains(id) {
            if address.peer == added.peer { return "ERR peer address \(added.peer) is node \(id)'s" }
            if address.client == added.client { return "ERR client address \(added.client) is node \(id)'s" }
        }
        return nil
    }

    /// Why a MEMBER command must wait (-BUSY), or nil: one change at a time.
    func memberChangeBusy() -> String? {
        if waiting.values.contains(where: { $0.command == nil }) {
            return "BUSY a member change sent to this node is not committed yet"
        }
        if replica.hasMemberChangeInFlight {
            return "BUSY another member change is in progress; retry once it is committed"
        }
        guard replica.knowsMembers else { return "ERR this node does not know the configuration yet; ask a member" }
        return nil
    }

    func describe(_ change: MemberChange) -> String {
        switch change.kind {
        case .add:
            let address = String(decoding: change.address, as: UTF8.self)
            return "add \(change.node) \(address)"
        case .remove:
            return "remove \(change.node)"
        }
    }
}
