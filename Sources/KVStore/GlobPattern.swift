/// A Redis glob (`KEYS`, `SCAN MATCH`), parsed once into single-byte tokens:
/// `*` any run, `?` any byte, `[abc]`, `[^a]`, `[a-z]` sets, `\x` a literal x.
/// Parsing follows Redis's `stringmatchlen`: a reversed range `[z-a]` is
/// swapped, an unterminated `[` takes the rest of the pattern as the set, and a
/// trailing lone `\` matches a backslash.
public struct GlobPattern: Sendable {
    enum Token: Sendable, Equatable {
        case literal(UInt8)
        case anyByte
        case anyRun
        case set(ranges: [ClosedRange<UInt8>], isNegated: Bool)

        func matches(_ byte: UInt8) -> Bool {
            switch self {
            case .literal(let b): return b == byte
            case .anyByte: return true
            case .anyRun: return false
            case let .set(ranges, isNegated):
                return ranges.contains { $0.contains(byte) } != isNegated
            }
        }
    }

    let tokens: [Token]
    /// True when the pattern is `*` alone (or only stars): everything matches.
    let isMatchAll: Bool

    /// Parses `pattern`; every byte string is a valid pattern.
    public init(_ pattern: [UInt8]) {
        var tokens: [Token] = []
        var i = 0
        while i < pattern.count {
            let c = pattern[i]
            switch c {
            case UInt8(ascii: "*"):
                if tokens.last != .anyRun { tokens.append(.anyRun) }  // `**` is `*`
                i += 1
            case UInt8(ascii: "?"):
                tokens.append(.anyByte)
                i += 1
            case UInt8(ascii: "\\"):
                if i + 1 < pattern.count {
                    tokens.append(.literal(pattern[i + 1]))
                    i += 2
                } else {
                    tokens.append(.literal(c))
                    i += 1
                }
            case UInt8(ascii: "["):
                i += 1
                tokens.append(Self.parseSet(pattern, &i))
            default:
                tokens.append(.literal(c))
                i += 1
            }
        }
        self.tokens = tokens
        isMatchAll = tokens.allSatisfy { $0 == .anyRun } && !tokens.isEmpty
    }

    /// Parses a set from just after `[` to just after its `]` (or the end).
    private static func parseSet(_ p: [UInt8], _ i: inout Int) -> Token {
        var isNegated = false
        if i < p.count && p[i] == UInt8(ascii: "^") {
            isNegated = true
            i += 1
        }
        var ranges: [ClosedRange<UInt8>] = []
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "]") {
                i += 1
                break
            }
            if c == UInt8(ascii: "\\") && i + 1 < p.count {
                ranges.append(p[i + 1]...p[i + 1])
                i += 2
            } else if i + 2 < p.count && p[i + 1] == UInt8(ascii: "-") {
                let (a, b) = (c, p[i + 2])
                ranges.append(min(a, b)...max(a, b))
                i += 3
            } else {
                ranges.append(c...c)
                i += 1
            }
        }
        return .set(ranges: ranges, isNegated: isNegated)
    }

    /// True when all of `subject` matches. Greedy with backtracking to the last
    /// `*`: O(pattern × subject) worst case, never exponential.
    public func matches(_ subject: [UInt8]) -> Bool {
        if isMatchAll { return true }
        var t = 0
        var s = 0
        var starToken = -1
        var starSubject = 0
        while s < subject.count {
            if t < tokens.count && tokens[t] == .anyRun {
                starToken = t
                starSubject = s
                t += 1
            } else if t < tokens.count && tokens[t].matches(subject[s]) {
                t += 1
                s += 1
            } else if starToken >= 0 {
                t = starToken + 1
                starSubject += 1
                s = starSubject
            } else {
                return false
            }
        }
        while t < tokens.count && tokens[t] == .anyRun { t += 1 }
        return t == tokens.count
    }
}
