/// Splits an inline command line into arguments with the rules of redis'
/// `sdssplitargs`: blanks separate, "double quotes" take `\n \r \t \b \a \\ \"`
/// and `\xHH` escapes, 'single quotes' take `\'`, and a closing quote must be
/// followed by a blank or the end. Returns nil for unbalanced quotes.
func splitInlineArguments(_ line: ArraySlice<UInt8>) -> [[UInt8]]? {
    var args: [[UInt8]] = []
    var i = line.startIndex
    let end = line.endIndex
    // A NUL ends the line, as it ends the C string sdssplitargs reads.
    func at(_ k: Int) -> UInt8 { k < end ? line[k] : 0 }

    while true {
        while i < end && isBlank(line[i]) { i += 1 }
        if at(i) == 0 { return args }
        var current: [UInt8] = []
        var inDouble = false
        var inSingle = false
        var done = false
        while !done {
            let c = at(i)
            if inDouble {
                if c == UInt8(ascii: "\\") && at(i + 1) == UInt8(ascii: "x"),
                   let hi = hexValue(at(i + 2)), let lo = hexValue(at(i + 3)) {
                    current.append(hi << 4 | lo)
                    i += 3
                } else if c == UInt8(ascii: "\\") && at(i + 1) != 0 {
                    i += 1
                    switch at(i) {
                    case UInt8(ascii: "n"): current.append(0x0A)
                    case UInt8(ascii: "r"): current.append(0x0D)
                    case UInt8(ascii: "t"): current.append(0x09)
                    case UInt8(ascii: "b"): current.append(0x08)
                    case UInt8(ascii: "a"): current.append(0x07)
                    case let other: current.append(other)
                    }
                } else if c == UInt8(ascii: "\"") {
                    if at(i + 1) != 0 && !isBlank(at(i + 1)) { return nil }
                    done = true
                } else if c == 0 {
                    return nil
                } else {
                    current.append(c)
                }
            } else if inSingle {
                if c == UInt8(ascii: "\\") && at(i + 1) == UInt8(ascii: "'") {
                    i += 1
                    current.append(UInt8(ascii: "'"))
                } else if c == UInt8(ascii: "'") {
                    if at(i + 1) != 0 && !isBlank(at(i + 1)) { return nil }
                    done = true
                } else if c == 0 {
                    return nil
                } else {
                    current.append(c)
                }
            } else {
                switch c {
                case UInt8(ascii: " "), 0x0A, 0x0D, 0x09, 0: done = true
                case UInt8(ascii: "\""): inDouble = true
                case UInt8(ascii: "'"): inSingle = true
                default: current.append(c)
                }
            }
            if at(i) != 0 { i += 1 }
        }
        args.append(current)
    }
}

/// C `isspace`.
private func isBlank(_ c: UInt8) -> Bool {
    c == 0x20 || (c >= 0x09 && c <= 0x0D)
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
