#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Lines and cells: the input as decoded text, cut into lines and each line into cells.

/// Splits every line at its tabs: `a\t\tb` is three cells, the middle one empty. (Space-aligned
/// layout text needs the neighbours of a line to find its columns: `LayoutSplitter`.)
struct TabSplitter {
    /// The lines of `text` (`lines` are byte ranges), their cells as extracted and cleaned and
    /// the cleaned cells' numbers in `facts`; equal cells share their texts (`CellTexts`).
    func lines(of text: [UInt8], lines: [Range<Int>], facts: CellFacts) -> [TextLine] {
        text.withUnsafeBufferPointer { bytes in
            var texts = CellTexts(facts: facts)
            var raw: [String] = []
            var clean: [String] = []
            var numbers: [Int] = []
            return lines.enumerated().map { number, range -> TextLine in
                raw.removeAll(keepingCapacity: true)
                clean.removeAll(keepingCapacity: true)
                numbers.removeAll(keepingCapacity: true)
                var cleaned = false
                var start = range.lowerBound
                while let tab = Self.firstTab(in: bytes, from: start, to: range.upperBound) {
                    let cell = texts.texts(UnsafeBufferPointer(rebasing: bytes[start..<tab]))
                    raw.append(cell.raw)
                    clean.append(cell.clean)
                    numbers.append(cell.fact)
                    cleaned = cleaned || cell.clean.utf8.count != cell.raw.utf8.count
                    start = tab + 1
                }
                let cell = texts.texts(UnsafeBufferPointer(rebasing: bytes[start..<range.upperBound]))
                raw.append(cell.raw)
                clean.append(cell.clean)
                numbers.append(cell.fact)
                cleaned = cleaned || cell.clean.utf8.count != cell.raw.utf8.count
                // A line without spaces to clean keeps one array for both.
                let rawCells = Array(raw)
                return TextLine(number: number + 1, raw: rawCells, clean: cleaned ? Array(clean) : rawCells,
                                factNumbers: Array(numbers))
            }
        }
    }
}

extension TabSplitter {
    /// The offset of the first tab in `bytes[start..<end]`, or `nil` (memchr).
    static func firstTab(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let base = bytes.baseAddress,
              let found = memchr(base + start, 0x09, end - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }
}

/// The byte ranges of the lines of `text`, without their ends (LF, CRLF or CR).
func lineRanges(of text: [UInt8]) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    let count = text.count
    return text.withUnsafeBufferPointer { bytes in
        guard let base = bytes.baseAddress else { return [] }
        var start = 0
        if memchr(base, 0x0D, count) == nil {
            // LF only: line ends found with memchr.
            while start < count, let found = memchr(base + start, 0x0A, count - start) {
                let end = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                ranges.append(start..<end)
                start = end + 1
            }
        } else {
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte == 0x0A {
                    ranges.append(start..<index)
                    start = index + 1
                } else if byte == 0x0D {
                    ranges.append(start..<index)
                    if index + 1 < count && bytes[index + 1] == 0x0A { index += 1 }
                    start = index + 1
                }
                index += 1
            }
        }
        if start < count { ranges.append(start..<count) }
        return ranges
    }
}

/// One input line: its number, its cells as extracted and the same cells cleaned.
struct TextLine {
    /// 1-based.
    let number: Int
    /// As extracted (what `--raw-text` keeps).
    let raw: [String]
    /// Trimmed and cleaned of wrap and letter-spacing artefacts (what analysis reads).
    let clean: [String]
    /// The `CellFacts` number of each cleaned cell, when the tab splitter found them; empty
    /// otherwise (`CellFacts.numbers(of:)` then numbers the cells by their text).
    var factNumbers: [Int] = []
    /// Layout text: the first row of a block of aligned lines (its columns were found anew).
    var startsBlock = false
    /// `TableAssembler.isHeaderRow(clean)` when already found (the form reader judges every line
    /// of a region; the assembler then needs not judge them again).
    var holdsOnlyLabels: Bool?

    /// Whether the extractor put the line's text into more than one cell.
    var isTabbed: Bool { raw.count > 1 }
    var isBlank: Bool { clean.allSatisfy(\.isEmpty) }
    var nonEmptyCells: [String] { clean.filter { !$0.isEmpty } }
}
