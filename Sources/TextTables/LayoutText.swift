import TableModel

// Space-aligned layout text (`pdftotext -layout`): columns from the gaps that line up.
//
// Positions are character positions as pdftotext prints them (a CJK character is one).
// 1. Pages: a form feed starts a page. Page furniture (a line that is only a page number such as
//    `3`, `- 3 -`, `Page 3`, `第 3 页`, `3/16`, or a line at the top or bottom of several pages that
//    repeats with only its digits changed) is no data: a note diagnostic, and a break.
// 2. Blocks: within a page, the runs of lines between captions, unit lines and furniture that hold
//    lines of two or more chunks (text runs apart by two or more spaces). Other lines stay whole.
// 3. Columns: the body lines of a block (from the first line with an amount, code or list item)
//    that have two or more chunks vote; a position is a gap when no body line has text there
//    (one in 25 may overflow). A one-character gap counts only where most lines have two or more
//    spaces there (a space inside a cell lines up by chance; one between columns is wider on
//    other lines), and no position is a gap where two lines read a phrase across it (one blank
//    between words). Lines that read as running text (justified prose, notes) end a block.
//    Columns may touch (the longest label ends where the widest amount of the next column
//    begins): a boundary no phrase crosses, between a label and an amount on most lines, parts them. Header labels that stand over a gap open a column there (a column empty in
//    the body). `--columns` gives the starts by hand instead.
// 4. Cells: words go to the column they overlap most; adjacent words in one column form a cell.
//    Header labels over several columns are placed where their centred span begins when labels
//    of the lines below stand under that span.
// 5. Header levels: lines with spanning labels are levels of their own; the other header lines
//    (wrapped leaf labels, labels centred vertically) merge into one level, each column's text
//    joined top to bottom. A label then rises to the level below its lowest parent, so that it
//    spans down as it does in the tab-separated text.
// 6. Rows: a line without an amount in a table of amounts is a continuation when it fills only
//    columns that the amount line next to it leaves empty (a cell centred beside a one-line row),
//    or when each of its cells continues a full cell above it (text wrapped at the column's
//    width), or when it is a label's indented second line under an amount line; its text joins
//    that row's cells. A line further left than the one above is never its continuation.
//    Otherwise it is a row of its own.

/// How the text reader splits lines into cells.
public enum TextLayout: String, Hashable, Sendable {
    /// Tab-separated when the table lines have tabs, else space-aligned when runs of two or more
    /// spaces line up across lines.
    case automatic
    /// Cells apart by tabs (text copied from a PDF viewer).
    case tabs
    /// Space-aligned columns (`pdftotext -layout`).
    case spaces
}

/// Column starts given by hand (`--columns 12,30,44`), for some tables or all.
public struct ColumnOverride: Hashable, Sendable {
    /// Character positions (0-based) where columns start, ascending; the first column starts at 0
    /// whether or not 0 is listed.
    public var starts: [Int]
    /// The tables (id, caption or 1-based position) it applies to; empty means all.
    public var tables: [String]

    public init(starts: [Int], tables: [String] = []) {
        self.starts = starts
        self.tables = tables
    }
}

/// The columns found in one block of layout text (what `tabconv list --layout` shows).
public struct LayoutBlock: Hashable, Sendable {
    /// The caption id of the table the block belongs to, when one precedes it.
    public var tableID: String?
    /// The 1-based page (form feeds counted).
    public var page: Int
    /// The 1-based source lines of the block.
    public var lines: ClosedRange<Int>
    /// Character positions where the columns start.
    public var columnStarts: [Int]
    /// Whether the columns were given by hand.
    public var isOverride: Bool
    /// A few of the block's lines as read (form feeds removed), for a ruler display.
    public var sample: [String]
}

/// One line of layout text: its characters and words.
struct LayoutSourceLine {
    struct Word {
        var start: Int
        var end: Int
    }

    var number: Int
    var page: Int
    var scalars: [Unicode.Scalar]
    var words: [Word]

    init(number: Int, page: Int, text: Substring) {
        self.number = number
        self.page = page
        scalars = text.unicodeScalars.map { $0 == "\u{0C}" || $0 == "\t" ? " " : $0 }
        words = []
        var index = 0
        while index < scalars.count {
            while index < scalars.count && Self.isBlank(scalars[index]) { index += 1 }
            guard index < scalars.count else { break }
            let start = index
            while index < scalars.count && !Self.isBlank(scalars[index]) { index += 1 }
            words.append(Word(start: start, end: index))
        }
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool { TextCleanup.isSpace(scalar) }

    var isBlank: Bool { words.isEmpty }

    /// The text from `start` to `end` (character positions).
    func text(_ start: Int, _ end: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<min(end, scalars.count)])
        return String(view)
    }

    func text(of word: Word) -> String { text(word.start, word.end) }

    /// The whole line without surrounding blanks.
    var trimmed: String {
        guard let first = words.first, let last = words.last else { return "" }
        return text(first.start, last.end)
    }

    /// Whether the line reads as a sentence of running text (justified prose, a note): six or
    /// more words in lower case, most of the line, and at most one amount. Such a line is no
    /// table row: it would fill the gaps between columns.
    var readsAsProse: Bool {
        guard words.count >= 6 else { return false }
        var lowercaseWords = 0
        var amounts = 0
        for word in words {
            let text = self.text(of: word)
            if CellLabels.isNumber(text) { amounts += 1; continue }
            guard let first = text.unicodeScalars.first, first.properties.isLowercase else { continue }
            if text.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ",.;:-'’()".unicodeScalars.contains($0) }) {
                lowercaseWords += 1
            }
        }
        return lowercaseWords >= 6 && lowercaseWords * 5 >= words.count * 3 && amounts <= 1
    }

    /// Runs of words apart by less than two blanks: (first word, last word) index pairs.
    var chunks: [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        for index in words.indices.dropFirst() where words[index].start - words[index - 1].end >= 2 {
            result.append(start..<index)
            start = index
        }
        if !words.isEmpty { result.append(start..<words.count) }
        return result
    }
}

/// Cuts layout text into table rows of cells, as `TextLine`s for Segmentation.
struct LayoutSplitter {
    var override: ColumnOverride?

    /// What splitting a document gave.
    struct Result {
        var lines: [TextLine] = []
        var diagnostics: [Diagnostic] = []
        var blocks: [LayoutBlock] = []
    }

    /// Whether text is space-aligned rather than tab-separated: no tabs inside its lines, and
    /// several lines with runs of two or more spaces between words.
    static func isSpaceAligned(_ text: [UInt8], lines: [Range<Int>]) -> Bool {
        var tabbed = 0
        var spaced = 0
        for range in lines {
            var sawText = false
            var blanks = 0
            var spacedLine = false
            for index in range {
                let byte = text[index]
                if byte == 0x09 {
                    if sawText && index + 1 < range.upperBound { tabbed += 1; break }
                } else if byte == 0x20 {
                    blanks += 1
                } else {
                    if sawText && blanks >= 2 { spacedLine = true }
                    if byte != 0x0C { sawText = true }
                    blanks = 0
                }
            }
            if spacedLine { spaced += 1 }
        }
        return tabbed == 0 && spaced >= 2
    }

    func split(_ text: [UInt8], lines ranges: [Range<Int>], rawText: Bool) -> Result {
        var page = 1
        var lines: [LayoutSourceLine] = []
        lines.reserveCapacity(ranges.count)
        for (index, range) in ranges.enumerated() {
            let decoded = String(decoding: text[range], as: UTF8.self)
            if decoded.utf8.first == 0x0C && index > 0 { page += 1 }
            lines.append(LayoutSourceLine(number: index + 1, page: page, text: decoded[...]))
            // A form feed inside a line (poppler ends a page with one) starts the next page after it.
            page += decoded.utf8.dropFirst().filter { $0 == 0x0C }.count
        }
        var result = Result()
        let furniture = PageFurniture.lines(in: lines)
        var kinds = [LineKind](repeating: .plain, count: lines.count)
        var currentTable: (id: String, ordinal: Int)?
        var ordinal = 0
        var tableIDs = [String?](repeating: nil, count: lines.count)
        var ordinals = [Int](repeating: 0, count: lines.count)
        for (index, line) in lines.enumerated() {
            if furniture.contains(index) { kinds[index] = .furniture; continue }
            if line.isBlank { kinds[index] = .blank; continue }
            let chunks = line.chunks
            let first = line.text(line.words[chunks[0].first!].start, line.words[chunks[0].last!].end)
            // A caption: its label first, then a title and perhaps a unit, no amounts.
            let captionLike = chunks.count <= 2 || (chunks.count == 3 && !line.words[chunks[1].lowerBound...].contains { CellLabels.isNumber(line.text(of: $0)) })
            if captionLike, let caption = CaptionParsing.caption(first) {
                if currentTable?.id != caption.id { ordinal += 1 }
                currentTable = (caption.id, ordinal)
                kinds[index] = .caption
            } else if chunks.count <= 2, chunks.contains(where: { chunk in
                CaptionParsing.unit(line.text(line.words[chunk.first!].start, line.words[chunk.last!].end)) != nil
            }) {
                kinds[index] = .caption
            } else if line.readsAsProse {
                kinds[index] = .prose
            } else if chunks.count >= 2 {
                kinds[index] = .multiChunk
            }
            tableIDs[index] = currentTable?.id
            ordinals[index] = currentTable?.ordinal ?? 0
        }

        // Blocks: runs of a page's lines between captions and furniture, trimmed to the lines
        // from the first multi-chunk line (with indented one-chunk lines just above it) to the last.
        var index = 0
        var emitted = 0
        func emitPlain(upTo end: Int) {
            while emitted < end {
                let line = lines[emitted]
                if kinds[emitted] == .furniture {
                    result.diagnostics.append(Diagnostic(.note, line: line.number, "page header or footer: \(line.trimmed)"))
                    result.lines.append(TextLine(number: line.number, raw: [""], clean: [""]))
                } else {
                    let raw = line.isBlank ? "" : (rawText ? line.text(0, line.scalars.count) : line.trimmed)
                    result.lines.append(TextLine(number: line.number, raw: [raw], clean: [TextCleanup.clean(raw)]))
                }
                emitted += 1
            }
        }
        while index < lines.count {
            guard kinds[index] == .multiChunk else { index += 1; continue }
            var start = index
            // Indented one-chunk lines right above (a spanning header label such as `其中：`).
            while start > emitted, kinds[start - 1] == .plain, lines[start - 1].page == lines[index].page,
                  let word = lines[start - 1].words.first, let firstWord = lines[index].words.first,
                  word.start > firstWord.start {
                start -= 1
            }
            var end = index + 1
            var lastMulti = index
            while end < lines.count, lines[end].page == lines[index].page,
                  kinds[end] == .multiChunk || kinds[end] == .plain || kinds[end] == .blank {
                if kinds[end] == .multiChunk { lastMulti = end }
                // Two blank lines, or a blank line and then two lines of one piece each (notes under
                // the table), end the block.
                if kinds[end] == .blank && end + 1 < lines.count && kinds[end + 1] == .blank { break }
                if kinds[end] == .blank && end + 2 < lines.count && kinds[end + 1] == .plain && kinds[end + 2] == .plain { break }
                end += 1
            }
            end = lastMulti + 1
            emitPlain(upTo: start)
            let block = Array(lines[start..<end])
            let useOverride = override.flatMap { override -> ColumnOverride? in
                guard !override.tables.isEmpty else { return override }
                let id = tableIDs[index]
                let matches = override.tables.contains { $0 == id || Int($0) == ordinals[index] || ($0.hasPrefix(id ?? "\u{0}") && id != nil) }
                return matches ? override : nil
            }
            let analysis = LayoutBlockReader(lines: block, override: useOverride, rawText: rawText).read()
            var blockLines = analysis.lines
            if let first = blockLines.indices.first(where: { blockLines[$0].isTabbed }) { blockLines[first].startsBlock = true }
            result.lines += blockLines
            result.blocks.append(LayoutBlock(tableID: tableIDs[index], page: lines[index].page,
                                             lines: block[0].number...block[block.count - 1].number,
                                             columnStarts: analysis.columnStarts, isOverride: useOverride != nil,
                                             sample: block.prefix(8).map { $0.text(0, $0.scalars.count) }))
            emitted = end
            index = end
        }
        emitPlain(upTo: lines.count)
        return result
    }

    private enum LineKind { case plain, blank, caption, furniture, multiChunk, prose }
}

/// Page numbers and running headers and footers.
enum PageFurniture {
    /// Indexes of furniture lines.
    static func lines(in lines: [LayoutSourceLine]) -> Set<Int> {
        var result = Set<Int>()
        // The first and last two non-blank lines of each page, keyed by their text with digits masked.
        var edges: [Int: [Int]] = [:]
        for (index, line) in lines.enumerated() where !line.isBlank {
            edges[line.page, default: []].append(index)
        }
        var candidates: [String: Set<Int>] = [:]
        var keyOf: [Int: String] = [:]
        for (page, indexes) in edges {
            let edge = Array(indexes.prefix(2)) + Array(indexes.suffix(2))
            for index in Set(edge) {
                let text = lines[index].trimmed
                if isPageNumber(text) { result.insert(index); continue }
                guard lines[index].chunks.count <= 2 else { continue }
                let key = String(text.unicodeScalars.map { ($0.value >= 0x30 && $0.value <= 0x39) ? "#" : Character($0) })
                candidates[key, default: []].insert(page)
                keyOf[index] = key
            }
        }
        let pageCount = edges.count
        for (index, key) in keyOf {
            let pages = candidates[key]?.count ?? 0
            // On several pages, and a mark of page furniture: digits (a page count), or on most pages.
            if pages >= 3 && (key.contains("#") || pages * 2 > pageCount) { result.insert(index) }
        }
        return result
    }

    /// `3`, `- 3 -`, `Page 3`, `Page 3 of 16`, `第 3 页`, `第3页 共16页`, `3 / 16`.
    static func isPageNumber(_ text: String) -> Bool {
        let compact = TextCleanup.compact(text).lowercased()
        guard !compact.isEmpty, compact.count <= 16 else { return false }
        var body = Substring(compact)
        for prefix in ["page", "p.", "第"] where body.hasPrefix(prefix) { body = body.dropFirst(prefix.count) }
        body = body.drop { $0 == "-" || $0 == "—" || $0 == "–" }
        let digits = body.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 4 else { return false }
        var rest = body.dropFirst(digits.count)
        rest = rest.drop { $0 == "-" || $0 == "—" || $0 == "–" || $0 == "页" }
        if rest.isEmpty { return true }
        for separator in ["/", "of", "共"] where rest.hasPrefix(separator) {
            let tail = rest.dropFirst(separator.count)
            let total = tail.prefix { $0.isASCII && $0.isNumber }
            return !total.isEmpty && tail.dropFirst(total.count).allSatisfy { $0 == "页" || $0 == "-" }
        }
        return false
    }
}
