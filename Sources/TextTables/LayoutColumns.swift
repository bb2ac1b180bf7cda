import TableModel

// One block of layout text → header rows and body rows of cells (see LayoutText.swift, steps 3–6).

struct LayoutBlockReader {
    let lines: [LayoutSourceLine]
    let override: ColumnOverride?
    let rawText: Bool

    /// A column's extent in character positions.
    struct ColumnSpan {
        var start: Int
        var end: Int
        var middle: Double { Double(start + end) / 2 }
    }

    /// A piece of a line: words that stand together, with the column range they were put in.
    struct Piece {
        var start: Int
        var end: Int
        var text: String
        var column: Int
        var columnSpan: Int = 1
    }

    func read() -> (lines: [TextLine], columnStarts: [Int]) {
        // The first line with an amount, code or list item beside other text (a lone `(1)` is a
        // footnote mark over a header label).
        var firstBody = lines.firstIndex { line in
            line.chunks.count >= 2 && (line.words.contains { word in
                let text = line.text(of: word)
                return (CellLabels.isNumber(text) && !CellLabels.isYear(text)) || CellLabels.codeName(text) != nil
            } || line.chunks.contains { CellLabels.isEnumeratedItem(chunkText(line, $0)) })
        } ?? 0
        // Group rows (`Sex`, `Race/Ethnicity`) right above it: one-chunk lines that start at the
        // body's left edge, below a header line of several labels, are rows, not header.
        let bodyLeft = lines[firstBody...].compactMap { $0.words.first?.start }.min() ?? 0
        var groupStart = firstBody
        while groupStart > 0, lines[groupStart - 1].isBlank
                || (lines[groupStart - 1].chunks.count == 1 && lines[groupStart - 1].words.first?.start == bodyLeft) {
            groupStart -= 1
        }
        if groupStart < firstBody, groupStart > 0, lines[groupStart - 1].chunks.count >= 3,
           lines[groupStart..<firstBody].contains(where: { !$0.isBlank }) {
            firstBody = lines[groupStart..<firstBody].firstIndex { !$0.isBlank } ?? firstBody
        }
        var columns: [ColumnSpan]
        if let override {
            let width = lines.map(\.scalars.count).max() ?? 0
            var starts = override.starts.filter { $0 > 0 && $0 < width }
            starts.insert(0, at: 0)
            columns = starts.indices.map { ColumnSpan(start: starts[$0], end: $0 + 1 < starts.count ? starts[$0 + 1] : max(width, starts[$0] + 1)) }
        } else {
            columns = findColumns(body: Array(lines[firstBody...]))
            columns = refine(columns, header: Array(lines[..<firstBody]))
        }
        guard !columns.isEmpty else { return (lines.map(plainLine), []) }
        if columns.count < 2 { columns.append(ColumnSpan(start: (columns.last?.end ?? 0) + 1, end: (columns.last?.end ?? 0) + 2)) }
        let columnCount = columns.count

        // Header rows.
        var output: [TextLine] = []
        let headerLines = Array(lines[..<firstBody])
        output += headerRows(headerLines, columns: columns, columnCount: columnCount)

        // Body rows.
        let body = lines[firstBody...].map { line -> (LayoutSourceLine, [String]) in
            (line, line.isBlank ? [] : cells(of: line, columns: columns, columnCount: columnCount))
        }
        output += bodyRows(body, columnCount: columnCount)
        return (output, columns.map(\.start))
    }

    private func plainLine(_ line: LayoutSourceLine) -> TextLine {
        let raw = rawText ? line.text(0, line.scalars.count) : line.trimmed
        return TextLine(number: line.number, raw: [raw], clean: [TextCleanup.clean(raw)])
    }

    private func chunkText(_ line: LayoutSourceLine, _ chunk: Range<Int>) -> String {
        line.text(line.words[chunk.lowerBound].start, line.words[chunk.upperBound - 1].end)
    }

    // MARK: Columns

    /// Columns from the gaps of the body's multi-chunk lines.
    private func findColumns(body: [LayoutSourceLine]) -> [ColumnSpan] {
        var voters = body.filter { $0.chunks.count >= 2 }
        if voters.isEmpty { voters = lines.filter { $0.chunks.count >= 2 } }
        guard !voters.isEmpty else { return [] }
        let width = voters.map { $0.words.last?.end ?? 0 }.max() ?? 0
        var filled = [Int](repeating: 0, count: width + 1)
        var wideBlank = [Int](repeating: 0, count: width + 1)
        var tight = [Int](repeating: 0, count: width + 1)
        var phrase = [Int](repeating: 0, count: width + 1)
        for line in voters {
            for word in line.words {
                for position in word.start..<word.end { filled[position] += 1 }
            }
            for index in line.words.indices.dropFirst() {
                let gapStart = line.words[index - 1].end
                let gapEnd = line.words[index].start
                // One blank between two amounts separates cells as surely as two.
                let betweenAmounts = gapEnd - gapStart == 1 && isAmount(line.text(of: line.words[index - 1]))
                    && isAmount(line.text(of: line.words[index]))
                // One blank between two words of alphabetic script: a phrase that runs across.
                let inPhrase = gapEnd - gapStart == 1 && !betweenAmounts && isPhraseLetter(line.scalars[gapStart - 1])
                    && isPhraseLetter(line.scalars[gapEnd])
                for position in gapStart..<gapEnd {
                    if inPhrase { phrase[position] += 1 }
                    if gapEnd - gapStart >= 2 || betweenAmounts { wideBlank[position] += 1 } else { tight[position] += 1 }
                }
            }
        }
        let tolerance = voters.count / 25
        let leftmost = voters.compactMap { $0.words.first?.start }.min() ?? 0
        // Gap runs strictly inside the text.
        var gaps: [Range<Int>] = []
        var position = leftmost
        while position < width {
            guard filled[position] <= tolerance else { position += 1; continue }
            let start = position
            while position < width && filled[position] <= tolerance { position += 1 }
            guard position < width else { break }
            let run = start..<position
            let wide = run.map { wideBlank[$0] }.max() ?? 0
            let narrow = run.map { tight[$0] }.max() ?? 0
            // A gap where two lines read one phrase across it lies inside a column, as does one
            // beside which only the lines reading a phrase across it have text.
            let phrases = run.map { phrase[$0] }.max() ?? 0
            let phraseOnly = phrases >= 1 && (start == 0 || filled[start - 1] <= phrases || filled[position] <= phrases)
            if (run.count >= 2 || wide > narrow) && phrases < 2 && !phraseOnly { gaps.append(run) }
        }
        // Columns that touch: the longest label ends where the widest amount of the next column
        // begins (on other lines), so no position is blank in every line. A boundary that no
        // word crosses and that falls in a wide gap between a label and an amount on most lines
        // still parts them.
        var crossing = [Int](repeating: 0, count: width + 1)
        var parted = [Int](repeating: 0, count: width + 1)
        for line in voters {
            // Words one blank apart read as one phrase: a boundary between them crosses it too.
            var phraseStart = line.words.first?.start ?? 0
            for (index, word) in line.words.enumerated() {
                let next = index + 1 < line.words.count ? line.words[index + 1] : nil
                if let next, next.start - word.end < 2,
                   !(isAmount(line.text(of: word)) && isAmount(line.text(of: next))) { continue }
                if word.end - phraseStart >= 2 {
                    for boundary in (phraseStart + 1)..<word.end { crossing[boundary] += 1 }
                }
                phraseStart = next?.start ?? 0
            }
            for index in line.words.indices.dropFirst() where line.words[index].start - line.words[index - 1].end >= 2
                && isAmount(line.text(of: line.words[index])) && !isAmount(line.text(of: line.words[index - 1])) {
                for boundary in line.words[index - 1].end...line.words[index].start { parted[boundary] += 1 }
            }
        }
        var touching: [Range<Int>] = []
        for boundary in (leftmost + 1)..<width where crossing[boundary] <= tolerance && parted[boundary] * 2 > voters.count
            && filled[boundary - 1] > tolerance && filled[boundary] > tolerance {
            touching.append(boundary..<boundary)
        }
        if !touching.isEmpty { gaps = (gaps + touching).sorted { $0.lowerBound < $1.lowerBound } }
        var columns: [ColumnSpan] = []
        var start = 0
        for gap in gaps {
            columns.append(ColumnSpan(start: start, end: gap.lowerBound))
            start = gap.upperBound
        }
        columns.append(ColumnSpan(start: start, end: max(width, start + 1)))
        // A run that is filled only by tolerated overflow is no column.
        return columns.filter { column in (column.start..<column.end).contains { filled[$0] > tolerance } || columns.count == 1 }
    }

    /// Adds columns for header labels that stand over a gap of the body (columns empty in the body).
    private func refine(_ columns: [ColumnSpan], header: [LayoutSourceLine]) -> [ColumnSpan] {
        guard !columns.isEmpty else { return columns }
        // A label over a gap opens a column there, unless it spans the columns on both sides of
        // the gap: a later header line has labels in both and none in the gap.
        let piecesByLine = header.map { rawPieces($0, columns: columns) }
        // A label beside a column that has no label of its own is that column's (centred over a
        // narrow column of codes, say): it opens a column only between labelled columns.
        var labelled = Set<Int>()
        for pieces in piecesByLine {
            for piece in pieces {
                for (index, column) in columns.enumerated() where column.start < piece.end && piece.start < column.end {
                    labelled.insert(index)
                }
            }
        }
        var extents: [ColumnSpan] = []
        for (index, pieces) in piecesByLine.enumerated() {
            // A phrase (words one blank apart) that stands partly over a column is that column's
            // label, centred over a narrow column: its words in the gap open nothing.
            let phrases = header[index].chunks.map { chunk in
                (start: header[index].words[chunk.lowerBound].start, end: header[index].words[chunk.upperBound - 1].end)
            }
            for piece in pieces where !columns.contains(where: { $0.start < piece.end && piece.start < $0.end }) {
                let phrase = phrases.first { $0.start <= piece.start && piece.end <= $0.end }
                if let phrase, columns.contains(where: { $0.start < phrase.end && phrase.start < $0.end }) { continue }
                let left = columns.lastIndex { $0.end <= piece.start }
                let right = columns.firstIndex { $0.start >= piece.end }
                guard left.map(labelled.contains) ?? true, right.map(labelled.contains) ?? true else { continue }
                let spans = piecesByLine[(index + 1)...].contains { lower in
                    guard let left, let right else { return false }
                    let inGap = lower.contains { other in
                        other.start < columns[right].start && other.end > columns[left].end
                            && !columns.contains { $0.start < other.end && other.start < $0.end }
                    }
                    return !inGap && lower.contains { $0.column == left } && lower.contains { $0.column == right }
                }
                guard !spans else { continue }
                // Labels of adjacent empty columns may stand one blank apart (`政府性基金 国有资本经`):
                // ideographic words are labels of their own; other words keep together.
                let line = header[index]
                var labels: [(extent: ColumnSpan, ideographic: Bool)] = []
                for word in line.words where word.start >= piece.start && word.end <= piece.end {
                    let ideographic = line.text(of: word).unicodeScalars.allSatisfy { !($0.isASCII && $0.properties.isAlphabetic) }
                    if let last = labels.last, !ideographic && !last.ideographic {
                        labels[labels.count - 1].extent.end = word.end
                    } else {
                        labels.append((ColumnSpan(start: word.start, end: word.end), ideographic))
                    }
                }
                extents += labels.map(\.extent)
            }
        }
        guard !extents.isEmpty else { return columns }
        extents.sort { $0.start < $1.start }
        var merged: [ColumnSpan] = []
        for extent in extents {
            if let last = merged.last, extent.start < last.end { merged[merged.count - 1].end = max(last.end, extent.end) }
            else { merged.append(extent) }
        }
        var result = columns + merged
        result.sort { $0.start < $1.start }
        // Columns tile the line: each runs to the next one's start.
        for index in result.indices.dropLast() { result[index].end = max(result[index].end, result[index].start + 1) }
        return result
    }

    /// The positions a text takes on paper: wide (CJK) characters count two.
    private func visibleWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (TextCleanup.isCJK($1) ? 2 : 1) }
    }

    /// A letter of a script that writes blanks between words (not an ideograph).
    private func isPhraseLetter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic && !scalar.properties.isIdeographic && !TextCleanup.isCJK(scalar)
    }

    private func isAmount(_ text: String) -> Bool { CellLabels.isNumber(text) && !CellLabels.isYear(text) }

    // MARK: Pieces and cells

    /// The column a character range belongs to: the one it overlaps most, else the nearest.
    private func column(for start: Int, _ end: Int, in columns: [ColumnSpan]) -> Int {
        var best = 0
        var bestOverlap = 0
        for (index, column) in columns.enumerated() {
            let overlap = min(end, column.end) - max(start, column.start)
            if overlap > bestOverlap { best = index; bestOverlap = overlap }
        }
        if bestOverlap > 0 { return best }
        let middle = Double(start + end) / 2
        var bestDistance = Double.infinity
        for (index, column) in columns.enumerated() {
            let distance = middle < Double(column.start) ? Double(column.start) - middle
                : (middle > Double(column.end) ? middle - Double(column.end) : 0)
            if distance < bestDistance { best = index; bestDistance = distance }
        }
        return best
    }

    /// A line's words grouped into pieces: words apart by one blank stay together unless they
    /// fall into different columns; words apart by two or more blanks are separate pieces.
    private func rawPieces(_ line: LayoutSourceLine, columns: [ColumnSpan]) -> [Piece] {
        var pieces: [Piece] = []
        for word in line.words {
            let wordColumn = column(for: word.start, word.end, in: columns)
            if var last = pieces.last, word.start - last.end < 2, last.column == wordColumn {
                last.end = word.end
                pieces[pieces.count - 1] = last
            } else {
                pieces.append(Piece(start: word.start, end: word.end, text: "", column: wordColumn))
            }
        }
        for index in pieces.indices { pieces[index].text = line.text(pieces[index].start, pieces[index].end) }
        return pieces
    }

    /// A body line's cells: its pieces' texts by column (two pieces in one column joined by a blank).
    private func cells(of line: LayoutSourceLine, columns: [ColumnSpan], columnCount: Int) -> [String] {
        var cells = [String](repeating: "", count: columnCount)
        for piece in rawPieces(line, columns: columns) {
            cells[piece.column] = cells[piece.column].isEmpty ? piece.text : cells[piece.column] + " " + piece.text
        }
        return cells
    }

    // MARK: Header

    /// Header lines as header rows: spanning lines are levels of their own, the other lines merge
    /// into one level; labels rise to just below their lowest parent.
    private func headerRows(_ header: [LayoutSourceLine], columns: [ColumnSpan], columnCount: Int) -> [TextLine] {
        let nonBlank = header.filter { !$0.isBlank }
        guard !nonBlank.isEmpty else { return [] }
        let piecesByLine = nonBlank.map { rawPieces($0, columns: columns) }
        // Which columns each line has labels in.
        let columnsByLine = piecesByLine.map { Set($0.map(\.column)) }
        var placed: [[Piece]] = []
        for (index, pieces) in piecesByLine.enumerated() {
            let below = columnsByLine[(index + 1)...].reduce(into: Set<Int>()) { $0.formUnion($1) }
            var result: [Piece] = []
            for (position, piece) in pieces.enumerated() {
                var piece = piece
                let lowest = min(position > 0 ? result[position - 1].column + result[position - 1].columnSpan : 0, columns.count - 1)
                let highest = min(max(position + 1 < pieces.count ? pieces[position + 1].column : columns.count, lowest + 1), columns.count)
                let first = column(for: piece.start, piece.start + 1, in: columns)
                let last = column(for: piece.end - 1, piece.end, in: columns)
                let own = min(max(first, lowest), highest - 1)
                let ownEnd = max(own + 1, min(last + 1, highest))
                // The label's middle as printed: a wide (CJK) character takes two positions on
                // paper but one in the text, so the visible label runs past its last character.
                let middle = Double(piece.start) + Double(visibleWidth(piece.text)) / 2
                let tolerance = max(3, Double(visibleWidth(piece.text)) / 2)
                var best = (column: own, end: ownEnd, distance: Double.infinity, under: 0)
                for start in lowest...own {
                    for end in ownEnd...highest {
                        let distance = abs(middle - Double(columns[start].start + columns[end - 1].end) / 2)
                        let under = end - start >= 2 ? (start..<end).filter(below.contains).count : 0
                        guard end - start == 1 || under >= 2 else { continue }
                        let withinBest = best.distance <= tolerance
                        let within = distance <= tolerance
                        if (within && !withinBest) || (within == withinBest && (within ? (under, -distance) > (best.under, -best.distance)
                                                                                   : distance < best.distance)) {
                            best = (start, end, distance, under)
                        }
                    }
                }
                piece.column = best.column
                piece.columnSpan = best.end - best.column
                result.append(piece)
            }
            placed.append(result)
        }
        // Levels: each spanning line; consecutive other lines merge.
        var levels: [(number: Int, cells: [String], spans: [Int])] = []
        var mergingLeaves = false
        for (index, pieces) in placed.enumerated() {
            let spanning = pieces.contains { $0.columnSpan >= 2 }
            if spanning || !mergingLeaves {
                levels.append((nonBlank[index].number, [String](repeating: "", count: columnCount), [Int](repeating: 1, count: columnCount)))
            }
            mergingLeaves = !spanning
            let level = levels.count - 1
            for piece in pieces {
                let existing = levels[level].cells[piece.column]
                levels[level].cells[piece.column] = existing.isEmpty ? piece.text : existing + " " + piece.text
                levels[level].spans[piece.column] = max(levels[level].spans[piece.column], piece.columnSpan)
            }
        }
        // Labels rise to the level below their lowest parent.
        for level in levels.indices.dropFirst() {
            for column in 0..<columnCount where !levels[level].cells[column].isEmpty {
                var target = level
                while target > 0 && !covers(levels[target - 1], column, width: levels[level].spans[column]) { target -= 1 }
                guard target < level else { continue }
                levels[target].cells[column] = levels[level].cells[column]
                levels[target].spans[column] = levels[level].spans[column]
                levels[level].cells[column] = ""
                levels[level].spans[column] = 1
            }
        }
        return levels.filter { $0.cells.contains { !$0.isEmpty } }.map { level in
            TextLine(number: level.number, raw: level.cells, clean: level.cells.map(TextCleanup.clean))
        }
    }

    /// Whether a label of `level` covers any of the columns `column..<column + width`: a label
    /// spans its own columns (its span) and the empty cells after it.
    private func covers(_ level: (number: Int, cells: [String], spans: [Int]), _ column: Int, width: Int) -> Bool {
        for other in column..<min(column + width, level.cells.count) where !level.cells[other].isEmpty { return true }
        // A label to the left whose span reaches the column.
        var left = column - 1
        while left >= 0 && level.cells[left].isEmpty { left -= 1 }
        return left >= 0 && left + level.spans[left] > column
    }

    // MARK: Body

    /// The serial number a cell holds (`12`, `12.`), or `nil`.
    private static func serialNumber(_ cell: String) -> Int? {
        let digits = cell.hasSuffix(".") ? cell.dropLast() : Substring(cell)
        guard (1...4).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// Body lines as rows: continuation lines join the row they continue.
    private func bodyRows(_ body: [(LayoutSourceLine, [String])], columnCount: Int) -> [TextLine] {
        func isAnchor(_ cells: [String]) -> Bool {
            cells.contains { cell in
                cell.split(separator: " ").contains { CellLabels.isNumber(String($0)) && !CellLabels.isYear(String($0)) }
            }
        }
        let anchors = body.map { isAnchor($0.1) }
        let textLines = body.filter { !$0.0.isBlank }.count
        let anchored = anchors.filter { $0 }.count * 3 >= textLines
        // The widest text of each column, for "a full cell".
        var widths = [Int](repeating: 0, count: columnCount)
        var wholeValues = [Set<String>](repeating: [], count: columnCount)
        for (line, cells) in body where !line.isBlank {
            for (column, cell) in cells.enumerated() where !cell.isEmpty {
                widths[column] = max(widths[column], cell.unicodeScalars.count)
                wholeValues[column].insert(cell)
            }
        }
        // owner[i]: the line whose row line i joins (itself when it starts a row).
        var owner = Array(body.indices)
        func filledColumns(_ index: Int) -> [Int] { body[index].1.indices.filter { !body[index].1[$0].isEmpty } }
        func isEmpty(_ index: Int, in columns: [Int]) -> Bool { columns.allSatisfy { body[index].1[$0].isEmpty } }
        func isFull(_ cell: String, column: Int) -> Bool {
            let length = cell.unicodeScalars.count
            return length * 5 >= widths[column] * 4 && !"。.;；:：".unicodeScalars.contains(cell.unicodeScalars.last ?? " ")
        }
        // A first column of serial numbers (1, 2, 3, … one after the other): a line without one continues
        // the row above it, whatever else it holds (an address's second line with a postcode).
        let serials = body.compactMap { line, cells -> Int? in
            line.isBlank || cells.isEmpty || cells[0].isEmpty ? nil : Self.serialNumber(cells[0]) ?? -1
        }
        let numbered = serials.count >= 3 && zip(serials, serials.dropFirst()).allSatisfy { $0 >= 0 && $0 + 1 == $1 }
        for index in body.indices.dropFirst() where numbered && !body[index].0.isBlank && body[index].1.first?.isEmpty == true {
            if !body[index - 1].0.isBlank { owner[index] = owner[index - 1] }
        }
        for index in body.indices where !body[index].0.isBlank && !anchors[index] && owner[index] == index {
            let columns = filledColumns(index)
            guard !columns.isEmpty, columns.count <= 2 || columns.count * 3 <= columnCount else { continue }
            let startsRow = columns.contains { column in
                let cell = body[index].1[column]
                return CellLabels.isEnumeratedItem(cell) || CellLabels.totalKind(cell) != nil
            }
            guard !startsRow else { continue }
            // The amount lines next to it (no blank line between).
            var above: Int?
            var probe = index - 1
            while probe >= 0 && !body[probe].0.isBlank {
                if anchors[probe] || !anchored { above = probe; break }
                probe -= 1
            }
            var below: Int?
            probe = index + 1
            while probe < body.count && !body[probe].0.isBlank {
                if anchors[probe] { below = probe; break }
                probe += 1
            }
            if anchored {
                let fitsAbove = above.map { isEmpty($0, in: columns) } ?? false
                let fitsBelow = below.map { isEmpty($0, in: columns) } ?? false
                if fitsBelow && (!fitsAbove || index + 1 == below) && !(fitsAbove && index - 1 == above && index + 1 != below) {
                    owner[index] = below!
                    continue
                }
                if fitsAbove {
                    owner[index] = owner[above!]
                    continue
                }
            }
            let previous = index - 1
            guard previous >= 0, !body[previous].0.isBlank else { continue }
            // Wrapped text starts no further left than the line it continues (a label further
            // left is a group row of its own).
            let indent = body[index].0.words.first?.start ?? 0
            let previousIndent = body[previous].0.words.first?.start ?? 0
            guard indent >= previousIndent else { continue }
            // A label's second line indented under an amount line and followed by a line further
            // left (`American Indian/Alaska` / `  Native`): a hanging indent, not a child row.
            var next = index + 1
            while next < body.count && body[next].0.isBlank { next += 1 }
            let nextIndent = next < body.count ? body[next].0.words.first?.start ?? 0 : 0
            if anchors[previous], indent > previousIndent, nextIndent < indent, columns.count == 1,
               !body[previous].1[columns[0]].isEmpty, !isAnchor([body[previous].1[columns[0]]]) {
                owner[index] = owner[previous]
                continue
            }
            // Text wrapped at the column's width: each cell continues a full cell on the line above.
            let continues = columns.allSatisfy { column in
                let upper = body[previous].1[column]
                let cell = body[index].1[column]
                return !upper.isEmpty && isFull(upper, column: column) && CellLabels.codeName(cell) == nil
                    && !(wholeValues[column].contains(cell) && body.filter { $0.1.count > column && $0.1[column] == cell }.count > 1)
            }
            if continues { owner[index] = owner[previous] }
        }
        // Each row's cells joined top to bottom, emitted where its first line is.
        var rows: [Int: [String]] = [:]
        for index in body.indices where !body[index].0.isBlank {
            var cells = rows[owner[index]] ?? [String](repeating: "", count: columnCount)
            for (column, cell) in body[index].1.enumerated() where !cell.isEmpty {
                cells[column] = cells[column].isEmpty ? cell : cells[column] + " " + cell
            }
            rows[owner[index]] = cells
        }
        var output: [TextLine] = []
        var emitted = Set<Int>()
        for index in body.indices {
            if body[index].0.isBlank {
                output.append(TextLine(number: body[index].0.number, raw: [""], clean: [""]))
                continue
            }
            let key = owner[index]
            guard !emitted.contains(key), let cells = rows[key] else { continue }
            emitted.insert(key)
            output.append(TextLine(number: body[key].0.number, raw: cells, clean: cells.map(TextCleanup.clean)))
        }
        return output
    }
}
