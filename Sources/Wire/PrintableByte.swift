/// A byte shown in an error message: printable ASCII as is, else `\xNN`.
func printableByte(_ b: UInt8) -> String {
    if b >= 0x20 && b < 0x7F { return String(UnicodeScalar(b)) }
    let hex = Array("0123456789abcdef")
    return "\\x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0xF)])
}
