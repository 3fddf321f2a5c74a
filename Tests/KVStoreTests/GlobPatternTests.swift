import Testing
@testable import KVStore

@Suite("glob patterns (Redis stringmatchlen)")
struct GlobPatternTests {
    /// (pattern, subject, matches)
    static let cases: [(String, String, Bool)] = [
        ("*", "", true), ("*", "anything", true), ("", "", true), ("", "a", false),
        ("h?llo", "hello", true), ("h?llo", "hllo", false), ("h?llo", "heello", false),
        ("h*llo", "hllo", true), ("h*llo", "heeeello", true), ("h*llo", "hello!", false),
        ("*o*o*", "foo", true), ("*o*o*", "fo", false), ("a*b*c", "aXbYbZc", true), ("a*b*c", "aXbYbZ", false),
        ("h[ae]llo", "hello", true), ("h[ae]llo", "hallo", true), ("h[ae]llo", "hillo", false),
        ("h[^e]llo", "hallo", true), ("h[^e]llo", "hello", false), ("h[^e]llo", "hllo", false),
        ("h[a-b]llo", "hbllo", true), ("h[a-b]llo", "hcllo", false),
        ("h[b-a]llo", "hallo", true),  // reversed range is swapped
        ("h[a-cx-z]", "hy", true), ("h[a-cx-z]", "hm", false),
        ("[]a", "a", false),  // `[]` is an empty set: matches nothing
        ("[\\]]", "]", true), ("[\\-]", "-", true), ("[\\-]", "a", false),
        ("\\*", "*", true), ("\\*", "a", false), ("\\?", "?", true), ("\\[a]", "[a]", true),
        ("a\\", "a\\", true),  // a trailing lone backslash matches a backslash
        ("[abc", "b", true), ("[abc", "d", false),  // unterminated set runs to the end
        ("[^]", "x", true),  // negated empty set matches any byte
        ("**a", "ba", true), ("a**", "a", true),
        ("user:*:name", "user:42:name", true), ("user:*:name", "user:42:email", false),
    ]

    @Test("patterns match as Redis matches them", arguments: cases.indices)
    func redisCases(index: Int) {
        let (pattern, subject, expected) = Self.cases[index]
        #expect(GlobPattern(b(pattern)).matches(b(subject)) == expected, "\(pattern) ~ \(subject)")
    }

    @Test("many stars against a long non-match stay fast")
    func pathological() {
        let pattern = GlobPattern(b(String(repeating: "a*", count: 30) + "b"))
        let subject = [UInt8](repeating: UInt8(ascii: "a"), count: 2_000)
        #expect(!pattern.matches(subject))
    }
}
