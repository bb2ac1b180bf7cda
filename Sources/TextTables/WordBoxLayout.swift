// Word boxes → layout text: a PDF page's words (as `pdftotext -bbox-layout` gives them, with
// exact boxes in points) are set on a character grid of their own, so that LayoutSplitter reads
// them like `pdftotext -layout` output, but with the placement the boxes tell:
// - Rows: words whose vertical middles lie within half a line height of each other share a row,
//   whatever block or flow poppler put them in (a label and its amounts printed as separate
//   blocks stay one row).
// - Grid: one position is a little less than the page's typical character width, so text never
//   needs more room than it has on paper; amounts are placed by their right edge (right-aligned
//   columns line up to the position), other words by their left edge.
// - Gaps: words apart by less than two and a half of the page's typical word gaps (a space in a
//   phrase, stretched by justification or not) stand one blank apart; wider gaps are at least two
//   blanks, so a column break is never a single space.
// - Rotated pages (text running top to bottom or bottom to top) are turned upright first.
// - Dot leaders (`. . . .` after a label, as words of their own or at the end of the label's
//   word) are dropped: they are no cell text and would fill the gap before the amounts.
// Vertical space between rows becomes blank lines; pages are separated by form feeds.

/// One word of a PDF page: its box in points (origin at the top left) and its text.
public struct PDFWord: Hashable, Sendable {
    public var xMin: Double
    public var yMin: Double
    public var xMax: Double
    public var yMax: Double
    public var text: String

    public init(xMin: Double, yMin: Double, xMax: Double, yMax: Double, text: String) {
        self.xMin = xMin
        self.yMin = yMin
        self.xMax = xMax
        self.yMax = yMax
        self.text = text
    }

    var height: Double { yMax - yMin }
    var width: Double { xMax - xMin }
    var middle: Double { (yMin + yMax) / 2 }
}

/// One PDF page: its size and its words in the extractor's lines (each in reading order).
public struct PDFPage: Hashable, Sendable {
    public var width: Double
    public var height: Double
    public var lines: [[PDFWord]]

    public init(width: Double, height: Double, lines: [[PDFWord]]) {
        self.width = width
        self.height = height
        self.lines = lines
    }
}

/// Sets PDF word boxes on a character grid (see the top of this file).
public enum WordBoxLayout {
    /// The pages as layout text: rows of words at character positions, blank lines for vertical
    /// space, a form feed before each page after the first.
    public static func layoutText(_ pages: [PDFPage]) -> String {
        var output = ""
        for (index, page) in pages.enumerated() {
            if index > 0 { output += "\u{0C}" }
            output += render(upright(page)).joined(separator: "\n")
            output += "\n"
        }
        return output
    }

    /// Whether a quarter of the words or more are ideographs only: such pages are set on the
    /// grid `pdftotext -layout` uses (one position per ideograph), which the layout reader's
    /// handling of wide characters expects; their word boxes add little.
    public static func isMostlyIdeographic(_ pages: [PDFPage]) -> Bool {
        var words = 0
        var ideographic = 0
        for page in pages {
            for line in page.lines {
                for word in line {
                    words += 1
                    if word.text.unicodeScalars.allSatisfy(TextCleanup.isCJK) { ideographic += 1 }
                }
            }
        }
        return words > 0 && ideographic * 4 > words
    }

    /// The page with rotated text turned upright: when most words run vertically, the page is
    /// turned so that they read left to right.
    static func upright(_ page: PDFPage) -> PDFPage {
        var vertical = 0
        var horizontal = 0
        var downward = 0
        for line in page.lines {
            // Three characters or more are wider than high when upright.
            for word in line where word.text.unicodeScalars.count >= 3 {
                if word.height > word.width { vertical += 1 } else { horizontal += 1 }
            }
            for index in line.indices.dropFirst() {
                downward += line[index].yMin > line[index - 1].yMin ? 1 : -1
            }
        }
        guard vertical > horizontal else { return page }
        let lines = page.lines.map { line in
            line.map { word in
                downward >= 0
                    ? PDFWord(xMin: word.yMin, yMin: page.width - word.xMax, xMax: word.yMax, yMax: page.width - word.xMin, text: word.text)
                    : PDFWord(xMin: page.height - word.yMax, yMin: word.xMin, xMax: page.height - word.yMin, yMax: word.xMax, text: word.text)
            }
        }
        return PDFPage(width: page.height, height: page.width, lines: lines)
    }

    /// The page's rows as text lines.
    static func render(_ page: PDFPage) -> [String] {
        let rows = self.rows(of: page)
        guard !rows.isEmpty else { return [] }
        let unit = gridUnit(page)
        let phraseGap = phraseGapRatio(page)
        let left = rows.flatMap { $0 }.map(\.xMin).min() ?? 0
        let lineHeight = median(rows.map { row in median(row.map(\.height)) ?? 10 }) ?? 10
        var lines: [String] = []
        var previousBottom: Double?
        for row in rows {
            let top = row.map(\.yMin).min() ?? 0
            if let previousBottom {
                let gap = top - previousBottom
                if gap > 2 * lineHeight { lines += ["", ""] } else if gap > 0.7 * lineHeight { lines.append("") }
            }
            previousBottom = max(previousBottom ?? 0, row.map(\.yMax).max() ?? 0)
            lines.append(renderRow(row, unit: unit, left: left, phraseGap: phraseGap))
        }
        return lines
    }

    /// Words grouped into rows by their vertical middles, top to bottom; each row left to right,
    /// without dot leaders.
    static func rows(of page: PDFPage) -> [[PDFWord]] {
        let words = page.lines.flatMap { $0 }.filter { !$0.text.unicodeScalars.allSatisfy(TextCleanup.isSpace) }
            .sorted { ($0.middle, $0.xMin) < ($1.middle, $1.xMin) }
        var rows: [[PDFWord]] = []
        var reference: (middle: Double, height: Double)?
        for word in words {
            if let current = reference, abs(word.middle - current.middle) < 0.45 * max(word.height, current.height) {
                rows[rows.count - 1].append(word)
                continue
            }
            rows.append([word])
            reference = (word.middle, word.height)
        }
        return rows.map { row in
            let sorted = row.sorted { $0.xMin < $1.xMin }
            return sorted.enumerated().filter { index, word in index == 0 || !isLeader(word.text) }
                .map { withoutTrailingLeader($0.element) }
        }
    }

    /// The word without a dot leader printed as part of it (`rape. . . . . . .` → `rape`): a
    /// trailing run of two dots or more with spaces between them, or of four dots or more. The word keeps its
    /// left edge; its right edge moves back in proportion.
    static func withoutTrailingLeader(_ word: PDFWord) -> PDFWord {
        let scalars = Array(word.text.unicodeScalars)
        var cut = scalars.count
        var dots = 0
        var spaced = false
        while cut > 0, scalars[cut - 1] == "." || scalars[cut - 1] == " " || scalars[cut - 1] == "…" || scalars[cut - 1] == "·" {
            if scalars[cut - 1] == " " { spaced = true } else { dots += 1 }
            cut -= 1
        }
        guard cut > 0, spaced ? dots >= 2 : dots >= 4 else { return word }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<cut])
        var trimmed = word
        trimmed.text = String(view)
        trimmed.xMax = word.xMin + word.width * Double(cut) / Double(scalars.count)
        return trimmed
    }

    /// Dots and middle dots only, spaces between them (`.`, `. .`, `…`).
    static func isLeader(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "." || $0 == "…" || $0 == "·" || $0 == "․" }
            && text.unicodeScalars.allSatisfy { $0 == "." || $0 == "…" || $0 == "·" || $0 == "․" || $0 == " " }
    }

    /// One grid position in points: 0.85 of the median width of a character (a wide CJK
    /// character counts two), so that no text needs more positions than its width on paper; on a
    /// page where a quarter of the words or more are ideographs, the width of an ideograph.
    static func gridUnit(_ page: PDFPage) -> Double {
        var widths: [Double] = []
        var ideographWidths: [Double] = []
        for line in page.lines {
            for word in line where word.width > 0 {
                let scalars = word.text.unicodeScalars
                if scalars.allSatisfy(TextCleanup.isCJK) { ideographWidths.append(word.width / Double(scalars.count)) }
                let count = visibleWidth(word.text)
                if count > 0 { widths.append(word.width / Double(count)) }
            }
        }
        // A page mostly of ideographs: one position per ideograph, as `pdftotext -layout` sets it
        // (cells of ideographs fill their columns; a narrower grid would set the next cell short
        // of its column).
        let ideographs = ideographWidths.count
        if ideographs * 4 > page.lines.reduce(0, { $0 + $1.count }), let width = median(ideographWidths) {
            return max(0.5, 0.95 * width)
        }
        return max(0.5, 0.85 * (median(widths) ?? 5))
    }

    static func visibleWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (TextCleanup.isCJK($1) ? 2 : 1) }
    }

    /// Whether a word is set by its right edge: an amount, a percentage or a dash for nil.
    static func isRightAligned(_ text: String) -> Bool {
        var digits = 0
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x30 && scalar.value <= 0x39 { digits += 1; continue }
            guard ",.()%-–−+$".unicodeScalars.contains(scalar) else { return false }
        }
        return digits > 0
    }

    /// The widest gap, as a share of the word height, that still separates words of one phrase:
    /// two and a half times the page's typical gap between the words of a line (a space, or a
    /// space stretched by justification), between 0.3 and 0.9.
    static func phraseGapRatio(_ page: PDFPage) -> Double {
        var ratios: [Double] = []
        for line in page.lines {
            for index in line.indices.dropFirst() {
                let height = max(line[index].height, line[index - 1].height)
                let gap = line[index].xMin - line[index - 1].xMax
                if height > 0 && gap > 0 { ratios.append(gap / height) }
            }
        }
        return min(0.9, max(0.3, 2.5 * (median(ratios) ?? 0.2)))
    }

    static func renderRow(_ row: [PDFWord], unit: Double, left: Double, phraseGap: Double) -> String {
        var line: [Unicode.Scalar] = []
        var previous: PDFWord?
        for word in row {
            let scalars = Array(word.text.unicodeScalars)
            var start = isRightAligned(word.text)
                ? Int(((word.xMax - left) / unit).rounded()) - scalars.count
                : Int(((word.xMin - left) / unit).rounded())
            if let previous {
                let gap = word.xMin - previous.xMax
                let tight = gap < phraseGap * min(word.height, previous.height)
                start = tight ? line.count + 1 : max(start, line.count + 2)
            }
            start = max(start, 0)
            if start > line.count { line += [Unicode.Scalar](repeating: " ", count: start - line.count) }
            line += scalars
            previous = word
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: line)
        return String(view)
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
