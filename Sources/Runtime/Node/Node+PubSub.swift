import ClientPort
import KVStore
import PaxosCore
import Wire

// Pub/sub on this node: subscriptions are local; what is published (PUBLISH
// and keyspace notifications) comes out of the log as each slot applies, so
// every node's subscribers get the same messages in the same order.
extension Node {
    func subscribe(_ names: [[UInt8]], patterns: Bool, for client: ClientHandler) {
        var out: [UInt8] = []
        let encoder = routing.encoder(for: client.session)
        for name in names {
            if client.session.subscribe(name, pattern: patterns) { pubsub.add(client, name, pattern: patterns) }
            encoder.append(PubSubReplies.confirmation(patterns ? "psubscribe" : "subscribe", name,
                                                      count: client.session.subscriptionCount), to: &out)
        }
        client.enqueue(out)
    }

    func unsubscribe(_ names: [[UInt8]], patterns: Bool, for client: ClientHandler) {
        var out: [UInt8] = []
        let encoder = routing.encoder(for: client.session)
        let kind = patterns ? "punsubscribe" : "unsubscribe"
        let targets = names.isEmpty ? client.session.subscriptions(pattern: patterns) : names
        for name in targets {
            if client.session.unsubscribe(name, pattern: patterns) { pubsub.remove(client, name, pattern: patterns) }
            encoder.append(PubSubReplies.confirmation(kind, name, count: client.session.subscriptionCount), to: &out)
        }
        if targets.isEmpty { encoder.append(PubSubReplies.confirmation(kind, nil, count: client.session.subscriptionCount), to: &out) }
        client.enqueue(out)
    }

    /// `CHANGES prefix`: this node's state machine starts announcing every change.
    func addChangeFeed(_ prefix: [UInt8], for client: ClientHandler) {
        _ = client.session.addChangeFeed(prefix)
        pubsub.addFeed(client)
        if !replica.stateMachine.announcesChanges { replica.changeLocalSetting { $0.announcesChanges = true } }
        var out: [UInt8] = []
        routing.encoder(for: client.session).append(
            PubSubReplies.confirmation("changes", prefix, count: client.session.subscriptionCount), to: &out)
        client.enqueue(out)
    }

    /// Once no feed is left, changes are no longer announced (they cost a copy each).
    func stopChangesIfUnwatched() {
        if replica.stateMachine.announcesChanges, !pubsub.hasFeeds { replica.changeLocalSetting { $0.announcesChanges = false } }
    }

    /// What applied slots announced, pushed to this node's subscribers.
    func deliver(_ notices: [(Slot, [UInt8])]) {
        for (slot, bytes) in notices {
            for notice in Notices.decode(bytes) {
                switch notice {
                case let .message(channel, message):
                    pubsub.publish(channel, message) { client, value in push(value, to: client) }
                case let .change(event, key, value):
                    for client in pubsub.feeds(for: key) {
                        push(PubSubReplies.change(slot: slot, event: event, key: key, value: value), to: client)
                    }
                }
            }
        }
        stopChangesIfUnwatched()
    }

    /// A push frame goes out at once, not in the connection's reply order.
    private func push(_ value: RESPValue, to client: ClientHandler) {
        var out: [UInt8] = []
        routing.encoder(for: client.session).append(value, to: &out)
        client.connection.send(out)
    }
}
