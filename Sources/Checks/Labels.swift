import TableModel

/// What a header or row label states about the amounts under it or beside it.
///
/// Only words decide: a total is derived where a label says 合计/小计/总计/总数/总额 or
/// Total/Subtotal, and a column that says 其中 ("of which"), 扣除…后 ("after deducting") or a rate
/// is never taken for an additive part.
enum Labels {
    /// Label text without the spaces extraction leaves inside words (`合 计`), trimmed.
    static func normalized(_ label: String) -> String {
        // Most labels hold no space at all: bytes that may start one are ASCII blanks, 0xC2
        // (U+00A0), 0xE2 (U+2000…) and 0xE3 (U+3000).
        if !label.utf8.contains(where: { $0 <= 0x20 || $0 == 0xC2 || $0 == 0xE2 || $0 == 0xE3 }) { return label }
        return String(label.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// The label's words in lower case, for English labels (`Grand total` → `["grand", "total"]`).
    static func words(_ label: String) -> [String] {
        label.lowercased().split { !$0.isLetter }.map(String.init)
    }

    /// The label with a trailing parenthesised remark removed (`合计（万元）` → `合计`).
    private static func withoutTrailingRemark(_ text: String) -> String {
        guard let last = text.last, last == ")" || last == "）",
              let open = text.lastIndex(where: { $0 == "(" || $0 == "（" }), open != text.startIndex
        else { return text }
        return String(text[..<open])
    }

    private static let chineseTotalSuffixes = ["合计", "小计", "总计", "总数", "总额"]

    /// True for a column label that states a total of its sibling columns.
    static func isTotalColumn(_ label: String) -> Bool {
        let text = withoutTrailingRemark(normalized(label))
        if chineseTotalSuffixes.contains(where: { text.hasSuffix($0) }) { return true }
        let words = words(label)
        return words.contains("total") || words.contains("subtotal") || words.contains("totals")
    }

    /// The level of total a row label states: 1 for a subtotal (`小计`, `Subtotal`), 3 for a grand
    /// total (`总计`, `收入总计`, `Grand total`), 2 for a total (`合计`, `本年收入合计`, `Total`), 0 for none.
    static func closingLevel(ofRowLabel label: String) -> Int {
        guard mayStateTotal(label) else { return 0 }
        let text = withoutTrailingRemark(normalized(label))
        if text.hasSuffix("小计") || text.hasPrefix("小计") { return 1 }
        if text.hasSuffix("总计") || text.hasPrefix("总计") { return 3 }
        if text.hasSuffix("合计") || text.hasPrefix("合计") { return 2 }
        let words = words(label)
        guard let first = words.first, let last = words.last else { return 0 }
        if first == "subtotal" || last == "subtotal" { return 1 }
        if first == "grand" && words.count > 1 && words[1] == "total" { return 3 }
        if first == "total" || last == "total" { return 2 }
        return 0
    }

    /// False when a label cannot name a total: it has neither 计 nor the letters of `total`.
    private static func mayStateTotal(_ label: String) -> Bool {
        let bytes = Array(label.utf8)
        if bytes.count < 3 { return false }
        let total: [UInt8] = Array("total".utf8)
        for index in 0..<(bytes.count - 2) {
            if bytes[index] == 0xE8 && bytes[index + 1] == 0xAE && bytes[index + 2] == 0xA1 { return true }  // 计
            if index + total.count <= bytes.count,
               zip(bytes[index..<(index + total.count)], total).allSatisfy({ $0 | 0x20 == $1 }) {
                return true
            }
        }
        return false
    }

    /// True for a column that is a part of another column rather than an addend: `其中` ("of
    /// which"), `扣除基建项目后预算数` ("after deducting"), `of which`, `excluding …`.
    static func isOfWhich(_ label: String) -> Bool {
        let text = normalized(label)
        if text.hasPrefix("其中") { return true }
        if text.contains("扣除"), text.contains("后") { return true }
        let words = words(label)
        if words.starts(with: ["of", "which"]) { return true }
        return words.first == "excluding" || words.first == "including"
    }

    /// True for a column of rates, shares or changes: a group that holds one states a comparison,
    /// not a sum.
    static func isComparison(_ label: String) -> Bool {
        let text = normalized(label)
        for marker in ["率", "比例", "占比", "比重", "增减", "增长", "同比", "环比", "%", "％"] where text.contains(marker) {
            return true
        }
        let words = Set(words(label))
        return !words.isDisjoint(with: ["percent", "percentage", "rate", "share", "change", "ratio", "growth"])
    }

    /// An enumeration marker at the start of a label (`一、`, `（二）`, `3.`): its style and ordinal.
    struct Enumeration: Hashable {
        enum Style: Hashable { case chinese, chineseParenthesized, arabic, arabicParenthesized }
        var style: Style
        var ordinal: Int
    }

    /// The enumeration marker a label starts with, if any.
    static func enumeration(of label: String) -> Enumeration? {
        let scalars = Array(normalized(label).unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        let opens: Set<Unicode.Scalar> = ["(", "（"]
        let closes: Set<Unicode.Scalar> = [")", "）"]
        let parenthesized = opens.contains(scalars[0])
        var index = parenthesized ? 1 : 0
        let start = index
        while index < scalars.count, isASCIIDigit(scalars[index]) || chineseDigit(scalars[index]) != nil {
            index += 1
        }
        guard index > start, index < scalars.count else { return nil }
        let digits = Array(scalars[start..<index])
        let terminator = scalars[index]
        if parenthesized {
            guard closes.contains(terminator) else { return nil }
        } else if !["、", ".", "．"].contains(terminator) {
            return nil
        }
        if digits.allSatisfy({ $0.isASCII }) {
            guard let ordinal = Int(String(String.UnicodeScalarView(digits))), digits.count <= 3 else { return nil }
            // `1.5` is a number, not an enumeration.
            if terminator == ".", index + 1 < scalars.count, isASCIIDigit(scalars[index + 1]) { return nil }
            return Enumeration(style: parenthesized ? .arabicParenthesized : .arabic, ordinal: ordinal)
        }
        guard let ordinal = chineseOrdinal(digits) else { return nil }
        return Enumeration(style: parenthesized ? .chineseParenthesized : .chinese, ordinal: ordinal)
    }

    private static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    private static func chineseDigit(_ scalar: Unicode.Scalar) -> Int? {
        switch scalar {
        case "一": return 1
        case "二": return 2
        case "三": return 3
        case "四": return 4
        case "五": return 5
        case "六": return 6
        case "七": return 7
        case "八": return 8
        case "九": return 9
        case "十": return 10
        default: return nil
        }
    }

    /// `一` … `九十九` as a number; nil for anything else.
    private static func chineseOrdinal(_ scalars: [Unicode.Scalar]) -> Int? {
        let values = scalars.compactMap(chineseDigit)
        guard values.count == scalars.count else { return nil }
        switch values.count {
        case 1: return values[0]
        case 2:
            if values[0] == 10 && values[1] < 10 { return 10 + values[1] }  // 十一
            if values[0] < 10 && values[1] == 10 { return values[0] * 10 }  // 二十
            return nil
        case 3:
            guard values[0] < 10, values[1] == 10, values[2] < 10 else { return nil }  // 二十六
            return values[0] * 10 + values[2]
        default: return nil
        }
    }
}
