// What the labels around and inside a table say about it, read the same way by every reader:
// a caption (`预算01表 收支总表` → id `预算01表`, title `收支总表`), a unit line (`金额单位：万元`),
// and a row's kind from its label (`合 计` → total, `小计` → subtotal). The text reader finds
// these among lines, the XLSX reader among merged rows and cells; both ask here. Labels are
// compared without spaces, English ones without case.

/// A table's caption: the label as printed (`预算01表`, `Table 2`) and the rest (`收支总表`).
public struct TableCaption: Hashable, Sendable {
    public var id: String
    public var title: String

    public init(id: String, title: String) {
        self.id = id
        self.title = title
    }
}

/// The shared rules for captions, unit lines and total labels.
public enum TableLabels {
    // MARK: Captions

    /// The caption in `text` (trimmed, not yet cleaned), or `nil`: `预算01表 收支总表`,
    /// `预算表12 …`, `表3 …`, `附表1-2：…`, `预算13表-2 …`, `表一 …`, `Table 2: …`, `TABLE 3.1 — …`,
    /// `Table: 5 …`, `Table A4-12. …`, and the Chinese labels with the spaces layout text puts
    /// between scripts (`预算 01 表`, dropped from the id). A sentence (with `。`) or a line over 300
    /// characters is no caption; over 100 characters (a run of blanks counted as one), only when
    /// a stop or colon sets the label off (`Table 3. …`).
    public static func caption(_ text: String) -> TableCaption? {
        // Every label below starts with `Table` or holds 表: most lines are turned away on bytes.
        guard text.utf8.first == 0x54 || text.utf8.first == 0x74 || holdsBiao(text) else { return nil }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= 300, !scalars.contains("。") else { return nil }
        guard let idEnd = englishLabelEnd(scalars) ?? chineseLabelEnd(scalars) else { return nil }
        // Length without the runs of blanks layout text sets between a caption's parts.
        var length = scalars.count
        for index in scalars.indices.dropFirst() where isSpace(scalars[index]) && isSpace(scalars[index - 1]) { length -= 1 }
        if length > 100 && !(idEnd < scalars.count && ".:：".unicodeScalars.contains(scalars[idEnd])) { return nil }
        var titleStart = idEnd
        while titleStart < scalars.count && (isSpace(scalars[titleStart])
                                              || ":：、.-—–".unicodeScalars.contains(scalars[titleStart])) {
            titleStart += 1
        }
        // The id without the spaces a layout extraction puts between scripts (`预算 01 表`).
        var id = String.UnicodeScalarView()
        id.append(contentsOf: scalars[..<idEnd].filter { !isSpace($0) || !isIdeographicLabel(scalars[..<idEnd]) })
        var title = String.UnicodeScalarView()
        title.append(contentsOf: scalars[titleStart...])
        return TableCaption(id: String(id), title: String(title))
    }

    /// Whether `text` holds 表 (U+8868: E8 A1 A8 in UTF-8).
    private static func holdsBiao(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == 0xE8, utf8.next() == 0xA1, utf8.next() == 0xA8 { return true }
        }
        return false
    }

    /// `Table 2`, `TABLE 3.1`, `Table 4A`, `Table: 5`, `Table CA7`, `Table A4-12`: the end of the label.
    private static func englishLabelEnd(_ scalars: [Unicode.Scalar]) -> Int? {
        guard scalars.count >= 7, String(String.UnicodeScalarView(scalars[0..<5])).lowercased() == "table" else { return nil }
        var index = 5
        if scalars[index] == ":" { index += 1 }
        guard index < scalars.count, isSpace(scalars[index]) else { return nil }
        while index < scalars.count && isSpace(scalars[index]) { index += 1 }
        // An appendix or section letter or two before the number (`A4-12`, `CA7`).
        var letters = 0
        while index + letters < scalars.count, letters < 3, scalars[index + letters].isASCII,
              scalars[index + letters].properties.isUppercase {
            letters += 1
        }
        if letters > 0, index + letters < scalars.count, isDigit(scalars[index + letters]) { index += letters }
        let numberStart = index
        while index < scalars.count {
            let scalar = scalars[index]
            if isDigit(scalar) { index += 1; continue }
            if (scalar == "." || scalar == "-"), index + 1 < scalars.count, isDigit(scalars[index + 1]), index > numberStart {
                index += 1
                continue
            }
            break
        }
        guard index > numberStart else { return nil }
        if index < scalars.count, scalars[index].properties.isUppercase, index + 1 == scalars.count
            || !scalars[index + 1].properties.isAlphabetic {
            index += 1  // Table 4A
        }
        guard index == scalars.count || !scalars[index].properties.isAlphabetic else { return nil }
        return index
    }

    /// Whether a label is a Chinese one (`预算 01 表`), whose spaces are layout, not text.
    private static func isIdeographicLabel(_ scalars: ArraySlice<Unicode.Scalar>) -> Bool {
        scalars.contains(where: isIdeograph)
    }

    /// `预算01表`, `预算13表-2`, `预算表12`, `表3`, `附表1-2`, `表一`, and the same with single spaces between the
    /// ideographs and the number as layout text prints them (`预算 01 表`): the end of the label.
    private static func chineseLabelEnd(_ scalars: [Unicode.Scalar]) -> Int? {
        var index = 0
        // A short prefix of ideographs (`预算`, `附`), not numerals and not 表.
        while index < scalars.count && index < 8 && isIdeograph(scalars[index]) && scalars[index] != "表"
                && !isNumeral(scalars[index]) {
            index += 1
        }
        guard index < scalars.count else { return nil }
        if index > 0 && scalars[index] == " " && index + 1 < scalars.count && isDigit(scalars[index + 1]) { index += 1 }
        if isNumeral(scalars[index]) {
            while index < scalars.count && isNumeral(scalars[index]) { index += 1 }
            if index + 1 < scalars.count && scalars[index] == " " && scalars[index + 1] == "表" && isDigit(scalars[index - 1]) {
                index += 1
            }
            guard index < scalars.count, scalars[index] == "表" else { return nil }
            return sectionSuffixEnd(scalars, from: index + 1)
        }
        guard scalars[index] == "表" else { return nil }
        index += 1
        while index < scalars.count && scalars[index] == " " { index += 1 }
        let numberStart = index
        while index < scalars.count {
            if isNumeral(scalars[index]) { index += 1; continue }
            if (scalars[index] == "-" || scalars[index] == "."), index > numberStart,
               index + 1 < scalars.count, isNumeral(scalars[index + 1]) {
                index += 1
                continue
            }
            break
        }
        return index > numberStart ? index : nil
    }

    /// After `预算13表`: the end of a section number `-2` that ends the label (the id of a form's
    /// second section, `预算13表-2`), or `start` when there is none (`预算01表-收支总表`).
    private static func sectionSuffixEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        guard start < scalars.count, scalars[start] == "-" else { return start }
        var index = start + 1
        while index < scalars.count && isDigit(scalars[index]) { index += 1 }
        guard index > start + 1, index == scalars.count || isSpace(scalars[index]) else { return start }
        return index
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0xFF10 && scalar.value <= 0xFF19)
    }

    private static func isNumeral(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || "一二三四五六七八九十〇零".unicodeScalars.contains(scalar)
    }

    private static func isIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }

    // MARK: Unit lines

    /// What a unit line's label may be (compared without spaces, English lowercased).
    private static let unitLabels: Set<String> = [
        "单位", "金额单位", "计量单位", "货币单位", "价格单位", "数量单位",
        "unit", "units", "currencyunit", "amountunit", "unitofmeasure", "amountsin",
    ]

    /// The label and the unit of a unit line: `金额单位：万元` → (`金额单位`, `万元`), `（单位：元）`,
    /// `Unit: USD thousand`. The unit is at most 24 characters; `编制单位：…` (an issuing body)
    /// is no unit line.
    public static func unit(_ text: String) -> (label: String, unit: String)? {
        var body = Substring(trim(text))
        if let first = body.first, let last = body.last, (first == "(" && last == ")") || (first == "（" && last == "）") {
            body = body.dropFirst().dropLast()
        }
        guard let colon = body.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let label = compact(String(body[..<colon]))
        let unit = trim(String(body[body.index(after: colon)...]))
        guard !unit.isEmpty, unit.unicodeScalars.count <= 24 else { return nil }
        guard unitLabels.contains(label) || unitLabels.contains(label.lowercased()) else { return nil }
        return (String(body[..<colon]), unit)
    }

    // MARK: Row kinds

    /// `.total` for `合计`, `合 计`, `总计`, `本年收入合计`, `收入总计`, `Total`, `Grand total …`;
    /// `.subtotal` for `小计`, `Subtotal`, `Sub-total`; `nil` otherwise (`项目支出总数`, `Totally`).
    public static func totalKind(_ label: String) -> RowKind? {
        guard let first = label.utf8.first else { return nil }
        if first == 0x54 || first == 0x74 || first == 0x53 || first == 0x73 || first == 0x47 || first == 0x67 {  // T S G
            let lowered = trim(label).lowercased()
            if lowered.hasPrefix("subtotal") || lowered.hasPrefix("sub-total") || lowered.hasPrefix("sub total") {
                return .subtotal
            }
            if lowered == "total" || lowered.hasPrefix("total ") || lowered.hasPrefix("total:")
                || lowered.hasPrefix("grand total") {
                return .total
            }
        }
        // Chinese labels are short and end with the total word (before optional colons), spaces
        // ignored: read from the end, without making the compact text.
        guard label.utf8.count <= 64 else { return nil }
        var length = 0
        var last: Unicode.Scalar = " "
        var beforeLast: Unicode.Scalar = " "
        for scalar in label.unicodeScalars.reversed() where !isSpace(scalar) {
            if length == 0 && (scalar == ":" || scalar == "：") { continue }
            length += 1
            if length == 1 { last = scalar } else if length == 2 { beforeLast = scalar }
        }
        guard last == "计" else { return nil }
        if beforeLast == "小" && length <= 10 { return .subtotal }
        if (beforeLast == "合" || beforeLast == "总" || beforeLast == "共") && length <= 12 { return .total }
        return nil
    }

    /// True when the text reads as an amount (the number rule of `CellTyping.standard`).
    public static func readsAsNumber(_ text: String) -> Bool {
        guard let first = text.utf8.first,
              (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2B || first == 0x2E
                || first == 0x28 || first == 0xE2 else { return false }
        return CellTyping.standard.cell(text).number != nil
    }

    /// A row's kind from its label: the first non-empty cell that is not a number (nor text
    /// that reads as one, such as a code `2010301`) decides, by `totalKind`; `.data` otherwise.
    public static func rowKind(_ cells: [Cell]) -> RowKind {
        for cell in cells {
            guard case .text(let text) = cell, !text.isEmpty else { continue }
            if readsAsNumber(text) { continue }
            return totalKind(text) ?? .data
        }
        return .data
    }

    // MARK: Whitespace

    /// Spaces as labels have them: ASCII white space, no-break, ideographic and the Unicode
    /// spaces up to the zero-width one, and the byte order mark.
    public static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x3000, 0x2000...0x200B, 0xFEFF: return true
        default: return false
        }
    }

    private static func trim(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              isSpace(first) || isSpace(last) else { return text }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
              let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[start...end])
    }

    private static func compact(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isSpace) else { return text }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text.unicodeScalars.lazy.filter { !isSpace($0) })
        return String(result)
    }
}
