@testable import PaxosCore
import Testing

@Suite("Membership: what a change may not do")
struct MembershipRefusalTests {
    let start = Membership(members: [1, 2, 3], addresses: [1: Array("a1".utf8), 2: Array("a2".utf8), 3: Array("a3".utf8)])

    @Test("an added node may not take a member's address; a fresh address, or one a removed member left, is fine")
    func duplicateAddress() {
        #expect(start.refusal(MemberChange(kind: .add, node: 4, address: Array("a2".utf8))) == "ERR node 2 already has that address")
        #expect(start.refusal(MemberChange(kind: .add, node: 4, address: Array("a4".utf8))) == nil)
        let shrunk = start.applying(MemberChange(kind: .remove, node: 2), at: 5)
        #expect(shrunk.refusal(MemberChange(kind: .add, node: 4, address: Array("a2".utf8))) == nil)
    }

    @Test("ids: no second add, no return of a removed id, no removal of a stranger or of the last member")
    func ids() {
        #expect(start.refusal(MemberChange(kind: .add, node: 3, address: Array("x".utf8))) == "ERR node 3 is already a member")
        let shrunk = start.applying(MemberChange(kind: .remove, node: 3), at: 2)
        #expect(shrunk.refusal(MemberChange(kind: .add, node: 3, address: Array("x".utf8)))?.contains("removed before") == true)
        #expect(start.refusal(MemberChange(kind: .remove, node: 9)) == "ERR node 9 is not a member")
        let alone = Membership(members: [1])
        #expect(alone.refusal(MemberChange(kind: .remove, node: 1)) == "ERR node 1 is the last member")
    }
}
