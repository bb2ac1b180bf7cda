// Lines and cells: the input as decoded text, cut into lines and each line into cells.

/// Splits every line at its tabs: `a\t\tb` is three cells, the middle one empty. (Space-aligned
/// layout text needs the neighbours of a line to find its columns: `LayoutSplitter`.)
struct TabSplitter {
    /// The lines of `text` (`lines` are byte ranges), their cells as extracted and cleaned;
    /// equal cells share their texts (`CellTexts`).
    func lines(of text: [UInt8], lines: [Range<Int>]) -> [TextLine] {
        text.withUnsafeBufferPointer { bytes in
            var texts = CellTexts()
            var raw: [String] = []
            var clean: [String] = []
            return lines.enumerated().map { number, range -> TextLine in
                raw.removeAll(keepingCapacity: true)
                clean.removeAll(keepingCapacity: true)
                var cleaned = false
                var start = range.lowerBound
                for index in range where bytes[index] == 0x09 {
                    let cell = texts.texts(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    raw.append(cell.raw)
                    clean.append(cell.clean)
                    cleaned = cleaned || cell.clean.utf8.count != cell.raw.utf8.count
                    start = index + 1
                }
                let cell = texts.texts(UnsafeBufferPointer(rebasing: bytes[start..<range.upperBound]))
                raw.append(cell.raw)
                clean.append(cell.clean)
                cleaned = cleaned || cell.clean.utf8.count != cell.raw.utf8.count
                // A line without spaces to clean keeps one array for both.
                let rawCells = Array(raw)
                return TextLine(number: number + 1, raw: rawCells, clean: cleaned ? Array(clean) : rawCells)
            }
        }
    }
}

/// The byte ranges of the lines of `text`, without their ends (LF, CRLF or CR).
func lineRanges(of text: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var start = 0
    var index = 0
    let count = text.count
    while index < count {
        let byte = text[index]
        if byte == 0x0A {
            ranges.append(start..<index)
            start = index + 1
        } else if byte == 0x0D {
            ranges.append(start..<index)
            if index + 1 < count && text[index + 1] == 0x0A { index += 1 }
            start = index + 1
        }
        index += 1
    }
    if start < count { ranges.append(start..<count) }
    return ranges
}

/// One input line: its number, its cells as extracted and the same cells cleaned.
struct TextLine {
    /// 1-based.
    let number: Int
    /// As extracted (what `--raw-text` keeps).
    let raw: [String]
    /// Trimmed and cleaned of wrap and letter-spacing artefacts (what analysis reads).
    let clean: [String]
    /// Layout text: the first row of a block of aligned lines (its columns were found anew).
    var startsBlock = false

    /// Whether the extractor put the line's text into more than one cell.
    var isTabbed: Bool { raw.count > 1 }
    var isBlank: Bool { clean.allSatisfy(\.isEmpty) }
    var nonEmptyCells: [String] { clean.filter { !$0.isEmpty } }
}
