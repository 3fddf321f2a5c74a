// Wing–Gong search with Lowe's memoisation (as in Porcupine): depth-first
// over linearization points, remembering every (linearized set, state)
// already explored so no configuration is expanded twice.

/// One op prepared for the search.
struct SearchOp {
    var model: ModelOp
    var invokeNs: Int64
    /// Int64.max when the outcome is unknown: it never forces others to wait.
    var completeNs: Int64
    /// Acknowledged ops must be linearized; unknown ones may be dropped.
    var isRequired: Bool
}

enum SearchResult {
    case linearizable
    /// No order works; `deepest` is the longest prefix (op indices) that did.
    case violation(deepest: [Int])
    case exhausted(String)
}

struct Limits {
    var statesLeft: Int
    var deadline: ContinuousClock.Instant?
}

enum Search {
    private struct MemoKey: Hashable {
        var linearized: Bitset
        var state: KVState
    }

    private struct Frame {
        var state: KVState
        var candidates: [Int]
        var next = 0
        /// Which of the current candidate's successor states to try next.
        var variant = 0
    }

    /// `ops` must be sorted by invoke time.
    static func run(_ ops: [SearchOp], keyCount: Int, limits: inout Limits) -> SearchResult {
        for i in ops.indices.dropFirst() { precondition(ops[i - 1].invokeNs <= ops[i].invokeNs) }
        let byComplete = ops.indices.sorted { ops[$0].completeNs < ops[$1].completeNs }
        var linearized = Bitset(count: ops.count)
        var requiredLeft = ops.reduce(0) { $0 + ($1.isRequired ? 1 : 0) }
        var visited = Set<MemoKey>()
        var path: [Int] = []
        var deepest: [Int] = []

        // Ops that may go next: every op that completed before their invoke is
        // already linearized, i.e. invoke <= the earliest pending completion.
        func candidates() -> [Int] {
            let earliest = byComplete.first { !linearized.contains($0) }.map { ops[$0].completeNs } ?? Int64.max
            var result: [Int] = []
            for i in ops.indices where !linearized.contains(i) {
                if ops[i].invokeNs > earliest { break }
                result.append(i)
            }
            return result
        }

        let initial = KVState(repeating: .absent, count: keyCount)
        var stack = [Frame(state: initial, candidates: candidates())]
        if let deadline = limits.deadline, ContinuousClock.now >= deadline { return .exhausted("ran out of time") }
        var steps = 0
        while requiredLeft > 0 {
            guard let top = stack.last else { return .violation(deepest: deepest) }
            if top.next == top.candidates.count {
                stack.removeLast()
                if let undone = path.popLast() {
                    linearized.remove(undone)
                    if ops[undone].isRequired { requiredLeft += 1 }
                }
                continue
            }
            let opIndex = top.candidates[top.next]
            // An op may leave one of several states (a key with a deadline may
            // or may not have expired before it): each is its own branch.
            let successors = KVModel.successors(top.state, ops[opIndex].model)
            if top.variant + 1 < successors.count {
                stack[stack.count - 1].variant += 1
            } else {
                stack[stack.count - 1].next += 1
                stack[stack.count - 1].variant = 0
            }
            guard top.variant < successors.count else { continue }
            let state = successors[top.variant]
            linearized.insert(opIndex)
            guard visited.insert(MemoKey(linearized: linearized, state: state)).inserted else {
                linearized.remove(opIndex)
                continue
            }
            limits.statesLeft -= 1
            if limits.statesLeft <= 0 { return .exhausted("explored the maximum number of states") }
            steps += 1
            if steps & 1023 == 0, let deadline = limits.deadline, ContinuousClock.now >= deadline {
                return .exhausted("ran out of time")
            }
            path.append(opIndex)
            if ops[opIndex].isRequired { requiredLeft -= 1 }
            if path.count > deepest.count { deepest = path }
            stack.append(Frame(state: state, candidates: candidates()))
        }
        return .linearizable
    }
}
