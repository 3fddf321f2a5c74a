import Wire

/// Pub/sub's messages in Redis's shapes: push values (RESP3 `>`, arrays in RESP2).
public enum PubSubReplies {
    /// `subscribe` / `unsubscribe` / `psubscribe` / `punsubscribe` confirmation:
    /// the name (nil when UNSUBSCRIBE had nothing to drop) and the subscriptions left.
    public static func confirmation(_ kind: String, _ name: [UInt8]?, count: Int) -> RESPValue {
        .push([.bulk(Array(kind.utf8)), .bulk(name), .integer(Int64(count))])
    }

    /// One applied change for a CHANGES feed: slot, event, key, value (nil when gone).
    public static func change(slot: UInt64, event: String, key: [UInt8], value: [UInt8]?) -> RESPValue {
        .push([.bulk(Array("change".utf8)), .integer(Int64(slot)), .bulk(Array(event.utf8)), .bulk(key), .bulk(value)])
    }

    public static func message(channel: [UInt8], _ message: [UInt8]) -> RESPValue {
        .push([.bulk(Array("message".utf8)), .bulk(channel), .bulk(message)])
    }

    public static func patternMessage(pattern: [UInt8], channel: [UInt8], _ message: [UInt8]) -> RESPValue {
        .push([.bulk(Array("pmessage".utf8)), .bulk(pattern), .bulk(channel), .bulk(message)])
    }
}
