import CZlib

/// zlib compress2/uncompress over byte arrays.
enum Zlib {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func compress(_ input: [UInt8], level: Int32) throws -> [UInt8] {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let source = input.isEmpty ? [0] : input  // zlib wants a valid pointer even for zero bytes
        let rc = output.withUnsafeMutableBufferPointer { out in
            source.withUnsafeBufferPointer { src in
                compress2(out.baseAddress, &capacity, src.baseAddress, uLong(input.count), level)
            }
        }
        guard rc == Z_OK else { throw Failure(description: "compress2 failed: \(rc)") }
        output.removeSubrange(Int(capacity)...)
        return output
    }

    static func uncompress(_ input: ArraySlice<UInt8>, rawBytes: Int) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: max(rawBytes, 1))
        var produced = uLong(rawBytes)
        let rc = output.withUnsafeMutableBufferPointer { out in
            input.withUnsafeBufferPointer { src in
                CZlib.uncompress(out.baseAddress, &produced, src.baseAddress, uLong(src.count))
            }
        }
        guard rc == Z_OK else { throw Failure(description: "uncompress failed: \(rc)") }
        guard Int(produced) == rawBytes else {
            throw Failure(description: "uncompressed \(produced) bytes, expected \(rawBytes)")
        }
        output.removeSubrange(rawBytes...)
        return output
    }
}
