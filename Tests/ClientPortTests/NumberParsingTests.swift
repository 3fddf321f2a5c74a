import Testing
import Wire
@testable import ClientPort

@Suite("ClientPort: number parsing")
struct NumberParsingTests {
    @Test("Int64 as Redis's string2ll: no '+', spaces, leading zeros or -0; full range")
    func int64() {
        #expect(RedisInteger.parse(b("0")) == 0)
        #expect(RedisInteger.parse(b("-1")) == -1)
        #expect(RedisInteger.parse(b("9223372036854775807")) == .max)
        #expect(RedisInteger.parse(b("-9223372036854775808")) == .min)
        for bad in ["", "-", "+1", " 1", "1 ", "01", "-0", "00", "9223372036854775808",
                    "-9223372036854775809", "1e3", "0x10", "99999999999999999999", "123456789012345678901"] {
            #expect(RedisInteger.parse(b(bad)) == nil, "\(bad)")
        }
    }

    @Test("UInt64 cursors and sequence numbers: digits only, full range")
    func uint64() {
        #expect(RedisInteger.parseUnsigned(b("0")) == 0)
        #expect(RedisInteger.parseUnsigned(b("007")) == 7)
        #expect(RedisInteger.parseUnsigned(b("18446744073709551615")) == .max)
        for bad in ["", "-1", "+1", "18446744073709551616", "1 ", "abc"] {
            #expect(RedisInteger.parseUnsigned(b(bad)) == nil, "\(bad)")
        }
    }

    @Test("constant-time comparison still compares")
    func constantTime() {
        #expect(constantTimeEquals(b("secret"), b("secret")))
        #expect(!constantTimeEquals(b("secret"), b("secreT")))
        #expect(!constantTimeEquals(b("secret"), b("secret!")))
        #expect(!constantTimeEquals(b("secret"), b("")))
        #expect(constantTimeEquals([], []))
    }
}
