import ClientPort
import KVStore
import Wire

/// Who on this node subscribed to what: an index over the sessions' own
/// subscription sets, which are the truth. An entry whose connection closed
/// or dropped it (RESET) is removed when a message meets it.
final class PubSubRegistry {
    private var channels: [[UInt8]: [ObjectIdentifier: ClientHandler]] = [:]
    private var patterns: [[UInt8]: (glob: GlobPattern, clients: [ObjectIdentifier: ClientHandler])] = [:]
    /// CHANGES feeds: (connection, prefix).
    private var feeds: [ObjectIdentifier: ClientHandler] = [:]

    var hasFeeds: Bool { !feeds.isEmpty }

    func addFeed(_ client: ClientHandler) { feeds[ObjectIdentifier(client)] = client }

    /// Every live feed whose prefix `key` has (stale ones leave).
    func feeds(for key: [UInt8]) -> [ClientHandler] {
        var result: [ClientHandler] = []
        for (id, client) in feeds {
            guard client.isOpen, !client.session.changeFeeds.isEmpty else {
                feeds[id] = nil
                continue
            }
            if client.session.changeFeeds.contains(where: { key.starts(with: $0) }) { result.append(client) }
        }
        return result
    }

    func add(_ client: ClientHandler, _ name: [UInt8], pattern: Bool) {
        if pattern {
            patterns[name, default: (GlobPattern(name), [:])].clients[ObjectIdentifier(client)] = client
        } else {
            channels[name, default: [:]][ObjectIdentifier(client)] = client
        }
    }

    func remove(_ client: ClientHandler, _ name: [UInt8], pattern: Bool) {
        if pattern {
            patterns[name]?.clients[ObjectIdentifier(client)] = nil
            if patterns[name]?.clients.isEmpty == true { patterns[name] = nil }
        } else {
            channels[name]?[ObjectIdentifier(client)] = nil
            if channels[name]?.isEmpty == true { channels[name] = nil }
        }
    }

    /// A closed connection leaves the index.
    func removeAll(of client: ClientHandler) {
        for name in client.session.channels { remove(client, name, pattern: false) }
        for name in client.session.patterns { remove(client, name, pattern: true) }
        feeds[ObjectIdentifier(client)] = nil
    }

    /// Calls `send` for every live subscription `channel` reaches: each
    /// channel subscriber, then each pattern that matches (as Redis counts them).
    /// Returns how many deliveries that was.
    @discardableResult
    func publish(_ channel: [UInt8], _ message: [UInt8], send: (ClientHandler, RESPValue) -> Void) -> Int {
        var delivered = 0
        for client in live(channels[channel] ?? [:], channel, pattern: false) {
            send(client, PubSubReplies.message(channel: channel, message))
            delivered += 1
        }
        for (pattern, entry) in patterns where entry.glob.matches(channel) {
            for client in live(entry.clients, pattern, pattern: true) {
                send(client, PubSubReplies.patternMessage(pattern: pattern, channel: channel, message))
                delivered += 1
            }
        }
        return delivered
    }

    /// How many deliveries a message on `channel` would make now (PUBLISH's reply).
    func receivers(_ channel: [UInt8]) -> Int {
        var count = (channels[channel] ?? [:]).values.filter { $0.isOpen && $0.session.channels.contains(channel) }.count
        for (pattern, entry) in patterns where entry.glob.matches(channel) {
            count += entry.clients.values.filter { $0.isOpen && $0.session.patterns.contains(pattern) }.count
        }
        return count
    }

    /// The clients still subscribed; the stale ones leave the index.
    private func live(_ clients: [ObjectIdentifier: ClientHandler], _ name: [UInt8], pattern: Bool) -> [ClientHandler] {
        var result: [ClientHandler] = []
        for client in clients.values {
            let subscribed = pattern ? client.session.patterns.contains(name) : client.session.channels.contains(name)
            if client.isOpen && subscribed { result.append(client) } else { remove(client, name, pattern: pattern) }
        }
        return result
    }
}
