// Lines and cells: the input as decoded text, cut into lines and each line into cells.

/// Cuts a document into the cells of its lines.
///
/// A splitter sees all lines at once: tab-separated text (what a PDF viewer copies) splits each
/// line at its tabs, but space-aligned layout text (`pdftotext -layout`) finds its columns from
/// the gaps that line up across a block of lines, so it needs the neighbours of a line.
protocol CellSplitter {
    /// The cells of each line of `text`, as extracted (untrimmed); `lines` are byte ranges.
    func cells(of text: [UInt8], lines: [Range<Int>]) -> [[String]]
}

/// Splits every line at its tabs: `a\t\tb` is three cells, the middle one empty.
struct TabSplitter: CellSplitter {
    func cells(of text: [UInt8], lines: [Range<Int>]) -> [[String]] {
        text.withUnsafeBufferPointer { bytes in
            lines.map { range -> [String] in
                var cells: [String] = []
                var start = range.lowerBound
                var index = range.lowerBound
                while index < range.upperBound {
                    if bytes[index] == 0x09 {
                        cells.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
                        start = index + 1
                    }
                    index += 1
                }
                cells.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<range.upperBound]), as: UTF8.self))
                return cells
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
