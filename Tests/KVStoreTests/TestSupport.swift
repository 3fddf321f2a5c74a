import PaxosCore
@testable import KVStore

/// Bytes of an ASCII string, for readable tests.
func b(_ s: String) -> [UInt8] { Array(s.utf8) }

extension KVStateMachine {
    /// Applies through the encoded path the core uses, decoding the reply.
    mutating func run(_ command: KVCommand, at logTimeMs: UInt64 = 1) -> KVReply {
        let bytes = apply(command.encoded(), logTimeMs: logTimeMs)
        return try! KVReply(decoding: bytes)
    }

    /// Queries through the encoded path.
    func ask(_ command: KVCommand) -> KVReply {
        try! KVReply(decoding: query(command.encoded()))
    }

    /// Bytes of the snapshot's last section, the remembered key changes.
    var changesSectionBytes: Int { 20 + 16 * changes.count }

    /// The same state without its history of key changes (which depends on
    /// the order things were written, as it should).
    mutating func forgetChangeHistory() { changes = RecentChanges(capacity: changes.capacity) }

    /// Every key and value, as a plain dictionary for comparisons.
    var contents: [[UInt8]: [UInt8]] {
        var all: [[UInt8]: [UInt8]] = [:]
        map.forEach { all[$0.key] = $0.value }
        return all
    }

    /// Runs SCAN to the end; returns every key returned and the number of calls.
    func fullScan(count: Int = 10, match: [UInt8]? = nil, between: (Int) -> Void = { _ in }) -> [[UInt8]] {
        var cursor: UInt64 = 0
        var keys: [[UInt8]] = []
        var calls = 0
        repeat {
            guard case .array(let parts) = query(.scan(cursor: cursor, match: match, count: count)),
                  case .bulk(let c) = parts[0], case .array(let page) = parts[1] else {
                preconditionFailure("bad SCAN reply")
            }
            cursor = UInt64(String(decoding: c, as: UTF8.self))!
            for case .bulk(let key) in page { keys.append(key) }
            calls += 1
            between(calls)
        } while cursor != 0
        return keys
    }
}

/// The project's seeded generator, so random tests replay.
typealias SeededRandom = SplitMix64
