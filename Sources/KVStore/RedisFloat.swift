import CRedisFloat

/// INCRBYFLOAT's arithmetic, done in C's long double as Redis does (see
/// `redis_float.h`): the parser checks the increment, the state machine adds.
public enum RedisFloat {
    /// Whether Redis would accept `bytes` as a float.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { pk_float_valid($0.baseAddress, $0.count) == 1 }
    }

    enum Failure: Error { case notAFloat, nanOrInfinity }

    /// `value` (nil: a missing key, 0) plus `increment`, printed as Redis prints it.
    static func add(_ value: [UInt8]?, _ increment: [UInt8]) -> Result<[UInt8], Failure> {
        var out = [UInt8](repeating: 0, count: Int(PK_FLOAT_MAX_CHARS))
        let n = increment.withUnsafeBufferPointer { inc in
            out.withUnsafeMutableBufferPointer { buffer in
                if let value {
                    return value.withUnsafeBufferPointer {
                        pk_float_add($0.baseAddress, $0.count, inc.baseAddress, inc.count, buffer.baseAddress, buffer.count)
                    }
                }
                return pk_float_add(nil, 0, inc.baseAddress, inc.count, buffer.baseAddress, buffer.count)
            }
        }
        switch n {
        case -3: return .failure(.nanOrInfinity)
        case ..<0: return .failure(.notAFloat)
        default: return .success(Array(out.prefix(Int(n))))
        }
    }
}
