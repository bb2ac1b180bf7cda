import TableModel

// What a cell's text says about its row or column: total labels, group-opening labels,
// code-name cells, enumerated items, amounts. Labels are compared without spaces (`合 计`).

enum CellLabels {
    /// `.total` for `合计`, `总计`, `本年收入合计`, `收入总计`, `Total`, `Grand total …`;
    /// `.subtotal` for `小计`, `Subtotal`; `nil` otherwise (the shared rule, `TableLabels`).
    static func totalKind(_ label: String) -> RowKind? { TableLabels.totalKind(label) }

    /// `text` ends with `suffix`, compared as UTF-8 bytes (no grapheme or normalisation work).
    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        let count = suffix.utf8.count
        return text.utf8.count >= count && text.utf8.suffix(count).elementsEqual(suffix.utf8)
    }

    /// A header label for a column that sums its group: a total label, or `…总数` / `…总额`
    /// (`项目支出总数`). A group opens with such a column.
    static func isGroupOpening(_ label: String) -> Bool {
        if totalKind(label) != nil { return true }
        let compact = TextCleanup.compact(label)
        return hasSuffix(compact, "总数") || hasSuffix(compact, "总额")
    }

    /// The code and the name of a code-name cell (`2010350-事业运行`, `A-货物`), or `nil`.
    /// The code is letters and digits with a digit in it, or one or two capital letters before
    /// a non-ASCII name; the name does not start with a digit (`2024-25` is a range).
    static func codeName(_ text: String) -> (code: Substring, name: Substring)? {
        let utf8 = text.utf8
        guard let first = utf8.first, first < 0x80, let hyphen = utf8.firstIndex(of: 0x2D), hyphen != utf8.startIndex else {
            return nil
        }
        var digits = 0
        var capitals = 0
        var length = 0
        for byte in utf8[..<hyphen] {
            switch byte {
            case 0x30...0x39: digits += 1
            case 0x41...0x5A: capitals += 1
            case 0x61...0x7A, 0x2E: break
            default: return nil
            }
            length += 1
        }
        let nameStart = utf8.index(after: hyphen)
        guard nameStart != utf8.endIndex else { return nil }
        let lead = utf8[nameStart]
        guard lead != 0x20, lead != 0x09, lead != 0x2D, !(lead >= 0x30 && lead <= 0x39) else { return nil }
        guard digits > 0 || (capitals == length && capitals <= 2 && lead >= 0x80) else { return nil }
        return (text[..<hyphen], text[nameStart...])
    }

    /// A list item: `一、…`, `（一）…`, `(1) …`, `1、…`, `1. …` (a data row, not a header label).
    static func isEnumeratedItem(_ text: String) -> Bool {
        var scalars = text.unicodeScalars.makeIterator()
        guard var scalar = scalars.next() else { return false }
        if scalar == "（" || scalar == "(" {
            var numerals = 0
            while let next = scalars.next() {
                if isNumeral(next) { numerals += 1; continue }
                return numerals > 0 && (next == "）" || next == ")")
            }
            return false
        }
        var numerals = 0
        while isNumeral(scalar) {
            numerals += 1
            guard let next = scalars.next() else { return false }
            scalar = next
        }
        guard numerals > 0 else { return false }
        if scalar == "、" { return true }
        guard scalar == ".", let after = scalars.next() else { return false }
        return !(after.value >= 0x30 && after.value <= 0x39)
    }

    private static func isNumeral(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "0"..."9", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "百", "零", "〇": return true
        default: return false
        }
    }

    /// True when the text reads as an amount (the number rule of CellTyping's default).
    static func isNumber(_ text: String) -> Bool { TableLabels.readsAsNumber(text) }

    /// A four-digit year (1900–2100): a number that is a header label (`2024 ⇥ 2025`).
    static func isYear(_ text: String) -> Bool {
        guard text.utf8.count == 4, let value = Int(text) else { return false }
        return (1900...2100).contains(value)
    }
}

/// What `CellLabels` says of each distinct cell text, found once per text (by its bytes): rows
/// are judged cell by cell several times (form rows, header rows, repeated headers, row kinds,
/// column profiles, sum checks), and a document repeats most of its cells. Texts are numbered in the order
/// first seen, the empty text first (0).
final class CellFacts {
    struct Facts {
        /// An amount (`CellLabels.isNumber`).
        var isNumber: Bool
        /// What a row of labels cannot hold: an amount that is not a year, a code-name, a list
        /// item or a long text.
        var excludesLabelRow: Bool
        /// `CellLabels.totalKind`.
        var totalKind: RowKind?
        /// What the column profiles of alignment repair see.
        var shape: CellShape
        /// What the header's sum checks see.
        var arithmetic: ArithmeticValue

        init(_ text: String) {
            isNumber = CellLabels.isNumber(text)
            excludesLabelRow = (isNumber && !CellLabels.isYear(text)) || CellLabels.codeName(text) != nil
                || CellLabels.isEnumeratedItem(text) || (text.utf8.count > 50 && text.unicodeScalars.count > 50)
            totalKind = CellLabels.totalKind(text)
            shape = CellShape(text, isNumber: isNumber)
            arithmetic = ArithmeticValue(text, isNumber: isNumber)
        }
    }

    private var numbering = TextNumbering()
    private var known: [Facts] = []

    /// The number of the empty text.
    static let emptyNumber = 0

    init() { number("") }

    /// The number of `text`.
    @discardableResult
    func number(_ text: String) -> Int {
        let (number, isNew) = numbering.number(of: text)
        if isNew { known.append(Facts(text)) }
        return number
    }

    /// The facts of the text numbered `number`.
    subscript(number: Int) -> Facts { known[number] }

    /// The facts of `text`.
    func callAsFunction(_ text: String) -> Facts { known[number(text)] }

    /// The shapes of the texts numbered `numbers`.
    func shapes(of numbers: [Int]) -> [CellShape] {
        let known = known
        return numbers.map { known[$0].shape }
    }

    /// The numbers of `line`'s cleaned cells: those the tab splitter found, or numbered now.
    func numbers(of line: TextLine) -> [Int] {
        line.factNumbers.count == line.clean.count ? line.factNumbers : line.clean.map { number($0) }
    }
}
