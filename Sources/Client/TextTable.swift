/// Columns two spaces apart, each as wide as its widest cell; trailing
/// blanks trimmed (kvctl status, kvctl member list).
public enum TextTable {
    public static func lines(_ rows: [[String]], rightAligned: Set<Int> = []) -> [String] {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if i == widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        return rows.map { row in
            var line = row.enumerated().map { i, cell in
                rightAligned.contains(i) ? cell.leftPadded(to: widths[i]) : cell.rightPadded(to: widths[i])
            }.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
    }
}
