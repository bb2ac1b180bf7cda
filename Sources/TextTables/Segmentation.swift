import TableModel

// Segmentation: which lines form which table.
//
// A caption line (`预算01表 收支总表`, `预算表12 …`, `表3 …`, `Table 2: …`) that is followed by a
// tabbed line before the next caption opens a table, which runs to the next caption. Between
// the caption and the first tabbed line, unit lines (`金额单位：万元`, `Unit: USD thousand`) set
// the unit and other lines are notes. A caption repeating the id of the table just before it
// (a page break) continues that table. Tabbed lines before the first caption form a table
// without a caption; other text outside tables becomes a note diagnostic.

/// A table's caption: the label as printed and the rest.
struct Caption: Hashable {
    var id: String
    var title: String
}

enum CaptionParsing {
    /// The caption in `text` (trimmed, not yet cleaned), or `nil`.
    static func caption(_ text: String) -> Caption? {
        // Every label below starts with `Table` or holds 表: most lines are turned away on bytes.
        guard text.utf8.first == 0x54 || text.utf8.first == 0x74 || holdsBiao(text) else { return nil }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count <= 300, !scalars.contains("。") else { return nil }
        guard let idEnd = englishLabelEnd(scalars) ?? chineseLabelEnd(scalars) else { return nil }
        // A long title is a caption only when its label is set off by a stop or colon (`Table 3. …`).
        if scalars.count > 100 && !(idEnd < scalars.count && ".:：".unicodeScalars.contains(scalars[idEnd])) { return nil }
        var titleStart = idEnd
        while titleStart < scalars.count && (TextCleanup.isSpace(scalars[titleStart])
                                              || ":：、.-—–".unicodeScalars.contains(scalars[titleStart])) {
            titleStart += 1
        }
        // The id without the spaces a layout extraction puts between scripts (`预算 01 表`).
        var id = String.UnicodeScalarView()
        id.append(contentsOf: scalars[..<idEnd].filter { !TextCleanup.isSpace($0) || !isIdeographicLabel(scalars[..<idEnd]) })
        var title = String.UnicodeScalarView()
        title.append(contentsOf: scalars[titleStart...])
        return Caption(id: String(id), title: String(title))
    }

    /// Whether `text` holds 表 (U+8868: E8 A1 A8 in UTF-8).
    private static func holdsBiao(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == 0xE8, utf8.next() == 0xA1, utf8.next() == 0xA8 { return true }
        }
        return false
    }

    /// `Table 2`, `TABLE 3.1`, `Table 4A`: the end of the label.
    private static func englishLabelEnd(_ scalars: [Unicode.Scalar]) -> Int? {
        guard scalars.count >= 7, String(String.UnicodeScalarView(scalars[0..<5])).lowercased() == "table" else { return nil }
        var index = 5
        guard TextCleanup.isSpace(scalars[index]) else { return nil }
        while index < scalars.count && TextCleanup.isSpace(scalars[index]) { index += 1 }
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

    /// `预算01表`, `预算表12`, `表3`, `附表1-2`, `表一`, and the same with single spaces between the
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
            return index + 1
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

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0xFF10 && scalar.value <= 0xFF19)
    }

    private static func isNumeral(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || "一二三四五六七八九十〇零".unicodeScalars.contains(scalar)
    }

    private static func isIdeograph(_ scalar: Unicode.Scalar) -> Bool {
        (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
    }

    /// What a unit line's label may be (compared without spaces, English lowercased).
    private static let unitLabels: Set<String> = [
        "单位", "金额单位", "计量单位", "货币单位", "价格单位", "数量单位",
        "unit", "units", "currencyunit", "amountunit", "unitofmeasure", "amountsin",
    ]

    /// The label and the unit of a unit line (`金额单位：万元`, `（单位：元）`, `Unit: USD thousand`).
    static func unit(_ text: String) -> (label: String, unit: String)? {
        var body = Substring(TextCleanup.trim(text))
        if let first = body.first, let last = body.last, (first == "(" && last == ")") || (first == "（" && last == "）") {
            body = body.dropFirst().dropLast()
        }
        guard let colon = body.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let label = TextCleanup.compact(String(body[..<colon]))
        let unit = TextCleanup.trim(String(body[body.index(after: colon)...]))
        guard !unit.isEmpty, unit.unicodeScalars.count <= 24 else { return nil }
        guard unitLabels.contains(label) || unitLabels.contains(label.lowercased()) else { return nil }
        return (String(body[..<colon]), unit)
    }
}

/// The lines of one table, with what its caption lines said.
struct TableRegion {
    var caption: Caption?
    var captionLine: Int?
    var unit: String?
    var unitLine: Int?
    var notes: [String] = []
    /// The lines from the first tabbed line on (blank lines included: they mark breaks).
    var lines: [TextLine] = []
}

struct Segmentation {
    let rawText: Bool

    /// The tables of a document, and diagnostics for text outside them.
    func regions(of lines: [TextLine], diagnostics: inout [Diagnostic]) -> [TableRegion] {
        let captions = acceptedCaptions(lines)
        // The last region is the open one; it is changed in place (a copy per line would be
        // quadratic in the table's length).
        var regions: [TableRegion] = []
        var inTableLines = false
        for (position, line) in lines.enumerated() {
            if let (caption, extras) = captions[position] {
                if inTableLines, !caption.id.isEmpty, regions.last?.caption?.id == caption.id {
                    // The same table again after a page break: continue it.
                    diagnostics.append(Diagnostic(.note, line: line.number,
                                                  "caption \"\(text(of: line))\" repeats table \(caption.id); read as its continuation"))
                } else {
                    regions.append(TableRegion(caption: caption, captionLine: line.number))
                }
                for extra in extras {
                    absorbPreamble(extra, line: line.number, into: &regions[regions.count - 1], &diagnostics)
                }
                inTableLines = false
                continue
            }
            guard !regions.isEmpty else {
                if line.isBlank { continue }
                if line.isTabbed {
                    regions.append(TableRegion(lines: [line]))
                    inTableLines = true
                } else {
                    diagnostics.append(Diagnostic(.note, line: line.number, "text outside any table: \(text(of: line))"))
                }
                continue
            }
            let open = regions.count - 1
            if !inTableLines {
                if line.isBlank { continue }
                let cells = line.nonEmptyCells
                let hasUnit = cells.count <= 3 && cells.contains { CaptionParsing.unit($0) != nil }
                if !line.isTabbed || hasUnit {
                    for (index, cell) in line.clean.enumerated() where !cell.isEmpty {
                        absorbPreamble(rawText ? line.raw[index] : cell, line: line.number, into: &regions[open], &diagnostics)
                    }
                    continue
                }
                inTableLines = true
            }
            // Layout text: a block with other columns and no caption of its own is another table.
            if line.startsBlock, regions[open].caption == nil, let previous = regions[open].lines.last(where: { $0.isTabbed }), previous.raw.count != line.raw.count {
                regions.append(TableRegion(lines: [line]))
                continue
            }
            regions[open].lines.append(line)
        }
        return regions
    }

    /// A caption or preamble line's text for notes and diagnostics.
    func text(of line: TextLine) -> String {
        let cells = rawText ? line.raw.filter { !TextCleanup.trim($0).isEmpty } : line.nonEmptyCells
        return cells.joined(separator: " ")
    }

    /// A preamble cell: the unit when it is a unit line, else a note. A unit line repeating the
    /// unit (after a continued caption) is reported, not kept twice.
    private func absorbPreamble(_ cell: String, line: Int, into region: inout TableRegion,
                                _ diagnostics: inout [Diagnostic]) {
        if let (_, unit) = CaptionParsing.unit(cell) {
            if region.unit == nil {
                region.unit = unit
                region.unitLine = line
                return
            }
            if region.unit == unit {
                diagnostics.append(Diagnostic(.note, line: line, "unit line \"\(cell)\" repeats the table's unit"))
                return
            }
        }
        region.notes.append(cell)
    }

    /// Caption lines that are followed by a tabbed line before the next caption candidate,
    /// keyed by line position, with the other cells of the line (a unit beside the caption).
    private func acceptedCaptions(_ lines: [TextLine]) -> [Int: (Caption, [String])] {
        var candidates: [(Int, Caption, [String])] = []
        for (position, line) in lines.enumerated() {
            guard let first = line.clean.first, !first.isEmpty, first.utf8.count <= 400 else { continue }
            var filled = 0
            for cell in line.clean where !cell.isEmpty { filled += 1 }
            guard filled <= 2 else { continue }
            let cells = line.nonEmptyCells
            let rawFirst = TextCleanup.trim(line.raw[0])
            guard var caption = CaptionParsing.caption(rawFirst) else { continue }
            if cells.count == 2 && CaptionParsing.unit(cells[1]) == nil { continue }
            if !rawText { caption.title = TextCleanup.clean(caption.title) }
            var extras: [String] = []
            if cells.count == 2 {
                extras.append(rawText ? line.raw[1...].first { !TextCleanup.trim($0).isEmpty } ?? cells[1] : cells[1])
            }
            candidates.append((position, caption, extras))
        }
        var accepted: [Int: (Caption, [String])] = [:]
        for (index, candidate) in candidates.enumerated() {
            let end = index + 1 < candidates.count ? candidates[index + 1].0 : lines.count
            let start = candidate.0 + 1
            guard start < end else { continue }
            if lines[start..<end].contains(where: { $0.isTabbed && !$0.isBlank }) {
                accepted[candidate.0] = (candidate.1, candidate.2)
            }
        }
        return accepted
    }
}
