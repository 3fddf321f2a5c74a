import Glibc
import Posix

/// RID client ids: 16 hex characters from /dev/urandom, fresh per process
/// (and per bench thread), so no two kvctl runs share a session.
public enum KvctlClientID {
    public static func make() -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: 8)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        var filled = 0
        if fd >= 0 {
            filled = raw.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            _ = close(fd)
        }
        if filled != raw.count {
            // No urandom (a chroot?): time and pid still differ between runs.
            var mix = UInt64(SystemClock.wallMs()) &* 6_364_136_223_846_793_005 &+ UInt64(getpid())
            mix ^= UInt64(UInt(bitPattern: ObjectIdentifier(Box()).hashValue))
            raw = withUnsafeBytes(of: mix.littleEndian) { Array($0) }
        }
        return hex(raw)
    }

    static func hex(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return out
    }

    private final class Box {}
}
