import PaxosCore

/// Redis's `notify-keyspace-events` classes, parsed from and printed as its
/// letters. Only the classes PaxosKV's commands produce matter (generic,
/// string, expired, new); the others are accepted and kept for CONFIG GET.
public struct NotifyFlags: OptionSet, Sendable, Equatable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let keyspace = NotifyFlags(rawValue: 1 << 0)   // K
    public static let keyevent = NotifyFlags(rawValue: 1 << 1)   // E
    public static let generic = NotifyFlags(rawValue: 1 << 2)    // g
    public static let string = NotifyFlags(rawValue: 1 << 3)     // $
    public static let list = NotifyFlags(rawValue: 1 << 4)       // l
    public static let set = NotifyFlags(rawValue: 1 << 5)        // s
    public static let hash = NotifyFlags(rawValue: 1 << 6)       // h
    public static let zset = NotifyFlags(rawValue: 1 << 7)       // z
    public static let expired = NotifyFlags(rawValue: 1 << 8)    // x
    public static let evicted = NotifyFlags(rawValue: 1 << 9)    // e
    public static let stream = NotifyFlags(rawValue: 1 << 10)    // t
    public static let keyMiss = NotifyFlags(rawValue: 1 << 11)   // m
    public static let module = NotifyFlags(rawValue: 1 << 12)    // d
    public static let new = NotifyFlags(rawValue: 1 << 13)       // n
    /// `A`: every class but key-miss and new.
    public static let all: NotifyFlags = [.generic, .string, .list, .set, .hash, .zset, .expired, .evicted, .stream, .module]

    private static let letters: [(Character, NotifyFlags)] = [
        ("g", .generic), ("$", .string), ("l", .list), ("s", .set), ("h", .hash), ("z", .zset), ("x", .expired),
        ("e", .evicted), ("t", .stream), ("d", .module), ("n", .new),
    ]

    /// Parses Redis's letters; nil for an unknown one.
    public init?(letters text: String) {
        var flags: NotifyFlags = []
        for c in text {
            switch c {
            case "A": flags.formUnion(.all)
            case "K": flags.insert(.keyspace)
            case "E": flags.insert(.keyevent)
            case "m": flags.insert(.keyMiss)
            default:
                guard let class_ = Self.letters.first(where: { $0.0 == c })?.1 else { return nil }
                flags.insert(class_)
            }
        }
        self = flags
    }

    /// As Redis prints them (CONFIG GET).
    public var letters: String {
        var text = ""
        if isSuperset(of: .all) {
            text = "A"
        } else {
            for (c, class_) in Self.letters where contains(class_) { text.append(c) }
        }
        if contains(.keyspace) { text += "K" }
        if contains(.keyevent) { text += "E" }
        if contains(.keyMiss) { text += "m" }
        return text
    }

    /// Whether an event of `class_` is announced at all.
    func announces(_ class_: NotifyFlags) -> Bool {
        contains(class_) && !isDisjoint(with: [.keyspace, .keyevent])
    }
}

/// A keyspace event as Redis names it, with its class.
enum KeyEvent: String {
    case set, del, expire, expired, persist, incrby, incrbyfloat, append, setrange, new
    case renameFrom = "rename_from", renameTo = "rename_to", copyTo = "copy_to"

    var flag: NotifyFlags {
        switch self {
        case .set, .incrby, .incrbyfloat, .append, .setrange: return .string
        case .expired: return .expired
        case .new: return .new
        case .del, .expire, .persist, .renameFrom, .renameTo, .copyTo: return .generic
        }
    }
}

/// What applying one slot announced, in order: messages for a channel
/// (PUBLISH, keyspace notifications) and, for `CHANGES` feeds (`kvctl
/// watch`), key changes with the value they left.
public enum Notice: Equatable, Sendable {
    case message(channel: [UInt8], message: [UInt8])
    case change(event: String, key: [UInt8], value: [UInt8]?)
}

public enum Notices {
    static func append(channel: [UInt8], message: [UInt8], to out: inout [UInt8]) {
        var w = ByteWriter()
        w.u8(0)
        w.blob(channel)
        w.blob(message)
        out += w.bytes
    }

    static func appendChange(event: KeyEvent, key: [UInt8], value: [UInt8]?, to out: inout [UInt8]) {
        var w = ByteWriter()
        w.u8(value == nil ? 1 : 2)
        w.blob(Array(event.rawValue.utf8))
        w.blob(key)
        if let value { w.blob(value) }
        out += w.bytes
    }

    /// What `takeNotices` encoded; it stops at bytes it did not make.
    public static func decode(_ bytes: [UInt8]) -> [Notice] {
        var r = ByteReader(bytes)
        var notices: [Notice] = []
        while r.remaining > 0 {
            guard let kind = try? r.u8(), let first = try? r.blob(), let second = try? r.blob() else { return notices }
            switch kind {
            case 0: notices.append(.message(channel: first, message: second))
            case 1: notices.append(.change(event: String(decoding: first, as: UTF8.self), key: second, value: nil))
            case 2:
                guard let value = try? r.blob() else { return notices }
                notices.append(.change(event: String(decoding: first, as: UTF8.self), key: second, value: value))
            default: return notices
            }
        }
        return notices
    }
}
