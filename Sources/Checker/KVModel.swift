// The sequential specification of the store, restricted to one partition of keys.

/// State of one partition: value per partition-local key index (nil = absent).
typealias KVState = [Bytes?]

/// An op as the search sees it: local key indices resolved once, up front.
struct ModelOp {
    var call: Call
    /// Index into `KVState` of each key in `call.keys`, same order.
    var slots: [Int]
    /// nil when the outcome is unknown: any reply is allowed.
    var reply: Reply?
}

enum KVModel {
    /// The state after applying `op` to `state`, or nil when the op cannot
    /// have produced its reply from `state` (an unknown op always applies,
    /// possibly as a no-op such as a CAS that does not match).
    static func step(_ state: KVState, _ op: ModelOp) -> KVState? {
        var next = state
        switch op.call {
        case .get:
            guard case .value(let seen)? = op.reply else { return op.reply == nil ? state : nil }
            return state[op.slots[0]] == seen ? state : nil
        case .mget:
            guard case .values(let seen)? = op.reply else { return op.reply == nil ? state : nil }
            for (slot, value) in zip(op.slots, seen) where state[slot] != value { return nil }
            return state
        case .set(_, let value, let condition):
            let current = state[op.slots[0]]
            let holds: Bool
            switch condition {
            case .none: holds = true
            case .nx: holds = current == nil
            case .xx: holds = current != nil
            }
            if case .applied(let applied)? = op.reply, applied != holds { return nil }
            if holds { next[op.slots[0]] = value }
            return next
        case .del:
            let present = op.slots.reduce(0) { $0 + (state[$1] == nil ? 0 : 1) }
            if case .count(let count)? = op.reply, count != present { return nil }
            for slot in op.slots { next[slot] = nil }
            return next
        case .cas(_, let expected, let new):
            let matches = state[op.slots[0]] == expected
            if case .swapped(let swapped)? = op.reply, swapped != matches { return nil }
            if matches { next[op.slots[0]] = new }
            return next
        case .incr(_, let by):
            // A non-integer value or an overflow makes the server reply -ERR:
            // an acknowledged INCR cannot have seen one, an unknown one changed nothing.
            guard let current = integer(state[op.slots[0]]) else { return op.reply == nil ? state : nil }
            let (sum, overflow) = current.addingReportingOverflow(by)
            guard !overflow else { return op.reply == nil ? state : nil }
            if case .integer(let seen)? = op.reply, seen != sum { return nil }
            next[op.slots[0]] = Array(String(sum).utf8)
            return next
        case .mset(let pairs):
            for (slot, pair) in zip(op.slots, pairs) { next[slot] = pair.value }
            return next
        }
    }

    /// INCR's reading of a value: absent is 0, else a decimal Int64.
    static func integer(_ value: Bytes?) -> Int64? {
        guard let value else { return 0 }
        guard let text = String(validating: value, as: UTF8.self) else { return nil }
        return Int64(text)
    }
}
