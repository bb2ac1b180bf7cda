import TableModel

// What a cell's text says about its row or column: total labels, group-opening labels,
// code-name cells, enumerated items, amounts. Labels are compared without spaces (`合 计`).

enum CellLabels {
    /// `.total` for `合计`, `总计`, `本年收入合计`, `收入总计`, `Total`, `Grand total …`;
    /// `.subtotal` for `小计`, `Subtotal`; `nil` otherwise.
    static func totalKind(_ label: String) -> RowKind? {
        var compact = TextCleanup.compact(label)
        while let last = compact.last, last == ":" || last == "：" { compact.removeLast() }
        guard !compact.isEmpty else { return nil }
        let length = compact.unicodeScalars.count
        if compact.hasSuffix("小计") && length <= 10 { return .subtotal }
        for suffix in ["合计", "总计", "共计"] where compact.hasSuffix(suffix) && length <= 12 { return .total }
        let lowered = TextCleanup.trim(label).lowercased()
        if lowered.hasPrefix("subtotal") || lowered.hasPrefix("sub-total") || lowered.hasPrefix("sub total") {
            return .subtotal
        }
        if lowered == "total" || lowered.hasPrefix("total ") || lowered.hasPrefix("total:")
            || lowered.hasPrefix("grand total") {
            return .total
        }
        return nil
    }

    /// A header label for a column that sums its group: a total label, or `…总数` / `…总额`
    /// (`项目支出总数`). A group opens with such a column.
    static func isGroupOpening(_ label: String) -> Bool {
        if totalKind(label) != nil { return true }
        let compact = TextCleanup.compact(label)
        return compact.hasSuffix("总数") || compact.hasSuffix("总额")
    }

    /// The code and the name of a code-name cell (`2010350-事业运行`, `A-货物`), or `nil`.
    /// The code is letters and digits with a digit in it, or one or two capital letters before
    /// a non-ASCII name; the name does not start with a digit (`2024-25` is a range).
    static func codeName(_ text: String) -> (code: Substring, name: Substring)? {
        guard let hyphen = text.firstIndex(of: "-"), hyphen > text.startIndex else { return nil }
        let code = text[..<hyphen]
        let name = text[text.index(after: hyphen)...]
        guard let nameStart = name.unicodeScalars.first, !TextCleanup.isSpace(nameStart),
              !(nameStart.value >= 0x30 && nameStart.value <= 0x39), nameStart != "-" else { return nil }
        var digits = 0
        var capitals = 0
        for scalar in code.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39: digits += 1
            case 0x41...0x5A: capitals += 1
            case 0x61...0x7A, 0x2E: break
            default: return nil
            }
        }
        if digits > 0 { return (code, name) }
        if capitals == code.unicodeScalars.count && capitals <= 2 && nameStart.value > 0x7F { return (code, name) }
        return nil
    }

    /// A list item: `一、…`, `（一）…`, `(1) …`, `1、…`, `1. …` (a data row, not a header label).
    static func isEnumeratedItem(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars.prefix(8))
        guard let first = scalars.first else { return false }
        var index = 0
        if first == "（" || first == "(" {
            index = 1
            let start = index
            while index < scalars.count && isNumeral(scalars[index]) { index += 1 }
            return index > start && index < scalars.count && (scalars[index] == "）" || scalars[index] == ")")
        }
        while index < scalars.count && isNumeral(scalars[index]) { index += 1 }
        guard index > 0, index < scalars.count else { return false }
        return scalars[index] == "、" || (scalars[index] == "." && index + 1 < scalars.count
                                           && !(scalars[index + 1].value >= 0x30 && scalars[index + 1].value <= 0x39))
    }

    private static func isNumeral(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value >= 0x30 && scalar.value <= 0x39 { return true }
        return "一二三四五六七八九十百零〇".unicodeScalars.contains(scalar)
    }

    /// True when the text reads as an amount (CellTyping's number rule).
    static func isNumber(_ text: String) -> Bool { CellTyping.standard.cell(text).number != nil }

    /// A four-digit year (1900–2100): a number that is a header label (`2024 ⇥ 2025`).
    static func isYear(_ text: String) -> Bool {
        guard text.utf8.count == 4, let value = Int(text) else { return false }
        return (1900...2100).contains(value)
    }
}
