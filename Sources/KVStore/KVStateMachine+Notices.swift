// What applying a slot announces: PUBLISH's messages, always, and keyspace
// notifications as `notifyFlags` asks. The core hands them to the runtime
// per slot (`takeNotices`), so every node announces the same things in log
// order; announcing changes no state and no reply.
extension KVStateMachine {
    static let keyspacePrefix: [UInt8] = Array("__keyspace@0__:".utf8)
    static let keyeventPrefix: [UInt8] = Array("__keyevent@0__:".utf8)

    public mutating func takeNotices() -> [UInt8]? {
        guard !notices.isEmpty else { return nil }
        defer { notices = [] }
        return notices
    }

    /// A keyspace notification for `key`, if its class is switched on.
    mutating func announce(_ event: KeyEvent, _ key: [UInt8]) {
        if announcesChanges, event != .new {
            Notices.appendChange(event: event, key: key, value: map.value(for: key), to: &notices)
        }
        guard !notifyFlags.isEmpty, notifyFlags.announces(event.flag) else { return }
        let name = Array(event.rawValue.utf8)
        if notifyFlags.contains(.keyspace) {
            Notices.append(channel: Self.keyspacePrefix + key, message: name, to: &notices)
        }
        if notifyFlags.contains(.keyevent) {
            Notices.append(channel: Self.keyeventPrefix + name, message: key, to: &notices)
        }
    }

    /// `PUBLISH channel message`: announced on every node as the slot applies.
    mutating func publish(_ channel: [UInt8], _ message: [UInt8]) -> KVReply {
        Notices.append(channel: channel, message: message, to: &notices)
        return .integer(0)  // the node answering counts its own receivers
    }
}
