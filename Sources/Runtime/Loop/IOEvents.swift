import Posix

/// What a registration waits for (`readable`, `writable`) and what an event
/// reports (plus `hangup`, `error`). Hang-up and error are always reported
/// together with readable and writable, as redis ae does, so a handler
/// discovers the cause from its next read or write.
public struct IOEvents: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let readable = IOEvents(rawValue: 1)
    public static let writable = IOEvents(rawValue: 2)
    public static let hangup = IOEvents(rawValue: 4)
    public static let error = IOEvents(rawValue: 8)

    /// The epoll mask for this interest.
    var epollMask: UInt32 {
        var mask: UInt32 = Epoll.hangup
        if contains(.readable) { mask |= Epoll.readable }
        if contains(.writable) { mask |= Epoll.writable }
        return mask
    }

    init(epollMask mask: UInt32) {
        var events: IOEvents = []
        if mask & Epoll.readable != 0 { events.insert(.readable) }
        if mask & Epoll.writable != 0 { events.insert(.writable) }
        if mask & Epoll.hangup != 0 { events.formUnion([.hangup, .readable, .writable]) }
        if mask & Epoll.error != 0 { events.formUnion([.error, .readable, .writable]) }
        self = events
    }

    public var description: String {
        let names: [(IOEvents, String)] = [(.readable, "r"), (.writable, "w"), (.hangup, "hup"), (.error, "err")]
        return "[" + names.filter { contains($0.0) }.map(\.1).joined(separator: ",") + "]"
    }
}
