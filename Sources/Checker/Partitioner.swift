// Splits a history into independent groups of keys. Linearizability is
// local (Herlihy & Wing): a history is linearizable iff each object's
// sub-history is. A multi-key op (MSET, MGET, multi-key DEL) is atomic
// across its keys, so all keys it touches form one object: union-find
// joins them, and each connected group is checked as one partition.

/// The ops of one connected group of keys.
struct Partition {
    /// Sorted, so reports and state slots do not depend on Dictionary order.
    var keys: [Bytes]
    /// Indices into the history, in invoke order.
    var opIndices: [Int]
}

enum Partitioner {
    static func partitions(of history: [Operation]) -> [Partition] {
        var keyIndex: [Bytes: Int] = [:]
        var parent: [Int] = []
        func find(_ x: Int) -> Int {
            var root = x
            while parent[root] != root { root = parent[root] }
            var node = x
            while parent[node] != root { (node, parent[node]) = (parent[node], root) }  // path compression
            return root
        }
        for op in history {
            var first: Int? = nil
            for key in op.call.keys {
                let index: Int
                if let known = keyIndex[key] {
                    index = known
                } else {
                    index = parent.count
                    keyIndex[key] = index
                    parent.append(index)
                }
                if let first { parent[find(index)] = find(first) } else { first = index }
            }
        }
        var groupKeys: [Int: [Bytes]] = [:]
        for (key, index) in keyIndex { groupKeys[find(index), default: []].append(key) }
        var groupOps: [Int: [Int]] = [:]
        let order = history.indices.sorted { history[$0].invokeNs < history[$1].invokeNs }
        for opIndex in order {
            let root = find(keyIndex[history[opIndex].call.keys[0]]!)
            groupOps[root, default: []].append(opIndex)
        }
        let result = groupKeys.map { root, keys in
            Partition(keys: keys.sorted(by: Partitioner.less), opIndices: groupOps[root] ?? [])
        }
        return result.sorted { less($0.keys[0], $1.keys[0]) }
    }

    static func less(_ a: Bytes, _ b: Bytes) -> Bool { a.lexicographicallyPrecedes(b) }
}
