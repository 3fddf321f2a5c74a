// The sequential specification of the store, restricted to one partition of keys.

/// One key's state: its value (nil = absent) and whether it has a deadline.
/// The model has no clock: a key with a deadline may vanish before any op
/// (and then stays gone until written again), never come back.
struct Cell: Hashable {
    var value: Bytes?
    var volatile = false

    static let absent = Cell(value: nil)
    init(value: Bytes?, volatile: Bool = false) {
        self.value = value
        self.volatile = volatile && value != nil
    }
}

/// State of one partition: a cell per partition-local key index.
typealias KVState = [Cell]

/// An op as the search sees it: local key indices resolved once, up front.
struct ModelOp {
    var call: Call
    /// Index into `KVState` of each key in `call.keys`, same order.
    var slots: [Int]
    /// nil when the outcome is unknown: any reply is allowed.
    var reply: Reply?
}

enum KVModel {
    /// Every state the op can leave behind from `state` with its reply (none:
    /// it cannot have produced that reply). A key with a deadline is tried
    /// both as it is and as already expired. An unknown op always applies,
    /// possibly as a no-op (a CAS that does not match); the search may also
    /// leave it out.
    static func successors(_ state: KVState, _ op: ModelOp) -> [KVState] {
        guard op.slots.contains(where: { state[$0].volatile }) else { return step(state, op).map { [$0] } ?? [] }
        var views = [state]
        for slot in Set(op.slots).sorted() where state[slot].volatile {
            views += views.map { view in
                var expired = view
                expired[slot] = .absent
                return expired
            }
        }
        var result: [KVState] = []
        for view in views {
            if let next = step(view, op), !result.contains(next) { result.append(next) }
        }
        return result
    }

    /// The state after `op` on `state` with no key expiring, or nil when it
    /// cannot have produced its reply.
    static func step(_ state: KVState, _ op: ModelOp) -> KVState? {
        var next = state
        let first = op.slots[0]
        switch op.call {
        case .get:
            guard case .value(let seen)? = op.reply else { return op.reply == nil ? state : nil }
            return state[first].value == seen ? state : nil
        case .mget:
            guard case .values(let seen)? = op.reply else { return op.reply == nil ? state : nil }
            for (slot, value) in zip(op.slots, seen) where state[slot].value != value { return nil }
            return state
        case .set(_, let value, let condition):
            let current = state[first].value
            let holds: Bool
            switch condition {
            case .none: holds = true
            case .nx: holds = current == nil
            case .xx: holds = current != nil
            }
            if case .applied(let applied)? = op.reply, applied != holds { return nil }
            if holds { next[first] = Cell(value: value) }
            return next
        case .setPX(_, let value, _):
            next[first] = Cell(value: value, volatile: true)
            return next
        case .expire:
            let present = state[first].value != nil
            if case .swapped(let set)? = op.reply, set != present { return nil }
            if present { next[first].volatile = true }
            return next
        case .getSet(_, let value):
            if case .value(let seen)? = op.reply, seen != state[first].value { return nil }
            next[first] = Cell(value: value)
            return next
        case .getDel:
            if case .value(let seen)? = op.reply, seen != state[first].value { return nil }
            next[first] = .absent
            return next
        case .del:
            let present = op.slots.reduce(0) { $0 + (state[$1].value == nil ? 0 : 1) }
            if case .count(let count)? = op.reply, count != present { return nil }
            for slot in op.slots { next[slot] = .absent }
            return next
        case .cas(_, let expected, let new):
            let matches = state[first].value == expected
            if case .swapped(let swapped)? = op.reply, swapped != matches { return nil }
            if matches { next[first] = Cell(value: new) }
            return next
        case .incr(_, let by):
            // A non-integer value or an overflow makes the server reply -ERR:
            // an acknowledged INCR cannot have seen one, an unknown one changed nothing.
            guard let current = integer(state[first].value) else { return op.reply == nil ? state : nil }
            let (sum, overflow) = current.addingReportingOverflow(by)
            guard !overflow else { return op.reply == nil ? state : nil }
            if case .integer(let seen)? = op.reply, seen != sum { return nil }
            next[first] = Cell(value: Array(String(sum).utf8), volatile: state[first].volatile)  // INCR keeps a deadline
            return next
        case .mset(let pairs):
            for (slot, pair) in zip(op.slots, pairs) { next[slot] = Cell(value: pair.value) }
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
