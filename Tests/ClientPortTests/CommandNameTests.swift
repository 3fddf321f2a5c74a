import Testing
@testable import ClientPort

@Suite("ClientPort: command names")
struct CommandNameTests {
    @Test("every command is found by its name in any ASCII case; near misses are unknown")
    func lookUp() {
        for name in CommandName.allCases {
            #expect(CommandName(Array(name.rawValue.utf8)) == name)
            #expect(CommandName(Array(name.rawValue.uppercased().utf8)) == name)
        }
        #expect(CommandName(Array("GeT".utf8)) == .get)
        for bad in ["ge", "gett", "get\0", "\0get", "readwrit", "readwritex", "", String(repeating: "a", count: 17), "g\u{e9}t"] {
            #expect(CommandName(Array(bad.utf8)) == nil, "\(bad)")
        }
    }
}
