/// Array's `withUnsafe*Bytes` rethrow untyped errors; these carry a typed
/// error out through a `Result` so callers keep `throws(IOError)`.
extension Array where Element == UInt8 {
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let outcome = withUnsafeBytes { bytes -> Result<R, E> in
            do throws(E) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }

    public mutating func withMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let outcome = withUnsafeMutableBytes { bytes -> Result<R, E> in
            do throws(E) { return .success(try body(bytes)) } catch { return .failure(error) }
        }
        return try outcome.get()
    }
}
