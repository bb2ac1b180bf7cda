import TableModel

// One table region → one Table: rows and in-table notes, header rows, repeated headers,
// alignment repair, header tree, columns, typed cells and row kinds.

struct TableAssembler {
    let options: TextReadOptions
    let typing: CellTyping
    /// Whether a column name marks identifiers, by name: tables of a document share names.
    let identifierColumns = IdentifierColumns()
    /// What each distinct cell text is (amount, total label, …), found once; the tab splitter
    /// numbered the lines' cells here.
    let facts: CellFacts

    /// The most rows a header may have.
    static let maximumHeaderRows = 6

    /// A row of the table region: cleaned cells (what analysis reads), their `CellFacts`
    /// numbers and output cells (the same, or as extracted with `rawText`), all `columnCount` long.
    private struct RegionRow {
        var line: Int
        var clean: [String]
        var numbers: [Int]
        var output: [String]
        var afterBreak: Bool
        /// `isHeaderRow(clean)`, as read.
        var holdsOnlyLabels: Bool
    }

    func assemble(_ region: TableRegion, ordinal: Int, diagnostics: inout [Diagnostic]) -> Table {
        var head = TableHead(id: region.caption?.id ?? "table-\(ordinal)", title: region.caption?.title ?? "",
                             unit: region.unit, notes: region.notes,
                             line: region.captionLine ?? region.lines.first?.number)
        let name = head.id

        // Rows, and the untabbed lines inside the table (footers, remarks), which become notes.
        var lines: [(TextLine, [Int], Bool)] = []
        var sawBreak = false
        for line in region.lines {
            if line.isBlank { sawBreak = true; continue }
            let numbers = facts.numbers(of: line)
            if !line.isTabbed && facts[numbers[0]].totalKind == nil {
                let text = options.rawText ? line.raw[0] : line.clean[0]
                head.notes.append(text)
                diagnostics.append(Diagnostic(.note, line: line.number, "text inside table \(name) kept as a note: \(text)"))
                sawBreak = true
                continue
            }
            lines.append((line, numbers, sawBreak))
            sawBreak = false
        }
        let columnCount = lines.map { $0.0.raw.count }.max() ?? 0
        var rows = lines.map { line, numbers, afterBreak -> RegionRow in
            let clean = Self.padded(line.clean, to: columnCount, with: "")
            let output = options.rawText ? Self.padded(line.raw, to: columnCount, with: "") : clean
            return RegionRow(line: line.number, clean: clean,
                             numbers: Self.padded(numbers, to: columnCount, with: CellFacts.emptyNumber),
                             output: output, afterBreak: afterBreak,
                             holdsOnlyLabels: line.holdsOnlyLabels ?? isHeaderRow(numbers))
        }

        // Header rows: the leading rows that hold only labels.
        var headerCount = 0
        while headerCount < rows.count && headerCount < Self.maximumHeaderRows && rows[headerCount].holdsOnlyLabels {
            headerCount += 1
        }
        if headerCount == rows.count && rows.count > 1 { headerCount = 1 }  // no data row: only the first is a header
        let headerRows = Array(rows[..<headerCount])
        rows.removeFirst(headerCount)
        rows = removeRepeatedHeaders(rows, header: headerRows, table: name, diagnostics: &diagnostics)

        // Row kinds, then alignment repair of the data rows.
        let kinds = rows.map { rowKind($0.numbers) }
        let repairer = AlignmentRepairer(rows: rows.map(\.numbers), eligible: kinds.map { $0 == .data }, columnCount: columnCount,
                                         facts: facts)
        let realignments = repairer.realignments()
        let rowsAsRead = rows.map(\.clean)
        if options.repair {
            for (index, realignment) in realignments {
                rows[index].clean = AlignmentRepairer.apply(realignment, to: rows[index].clean, empty: "")
                rows[index].numbers = AlignmentRepairer.apply(realignment, to: rows[index].numbers, empty: CellFacts.emptyNumber)
                rows[index].output = AlignmentRepairer.apply(realignment, to: rows[index].output, empty: "")
            }
        }

        // Header tree and columns.
        let builder = HeaderTreeBuilder(rows: headerRows.map(\.clean), columnCount: columnCount,
                                        body: rows.map(\.numbers),
                                        adjustsGroups: options.repair, facts: facts)
        let (labels, moves) = builder.build()
        head.header = labels.map { row in
            row.map { label in
                HeaderCell(text: headerRows[label.row].output[label.sourceColumn], column: label.column,
                           columnSpan: label.columnSpan, rowSpan: label.rowSpan)
            }
        }
        head.columns = columns(labels: labels, headerRows: headerRows, columnCount: columnCount)

        var table = Table(head: head)
        for move in moves {
            let line = headerRows[move.row].line
            let action = "header label \"\(move.label)\" placed over column \(move.toColumn + 1) (\(head.columns[move.toColumn].name)), "
                + "where its group begins, not column \(move.fromColumn + 1) where the text put it: \(move.reason)"
            table.repairs.append(Repair(line: line, action: action))
            diagnostics.append(Diagnostic(.warning, line: line, "\(name): \(action)"))
        }
        for (index, realignment) in realignments.sorted(by: { $0.key < $1.key }) {
            let row = rows[index]
            let description = describe(realignment, cells: rowsAsRead[index], columns: head.columns)
            if options.repair {
                table.repairs.append(Repair(line: row.line, action: description))
                diagnostics.append(Diagnostic(.warning, line: row.line, "\(name): \(description)"))
            } else {
                diagnostics.append(Diagnostic(.warning, line: row.line,
                                              "\(name): row does not fit its columns and is kept as read (repair is off); \(description)"))
            }
        }

        // Typed cells.
        let identifiers = head.columns.map { identifierColumns.contains($0.name) }
        table.rows = zip(rows, kinds).map { row, kind in
            Row(kind: kind, line: row.line, cells: (0..<columnCount).map { column in
                typedCell(row.output[column], identifier: identifiers[column])
            })
        }
        return table
    }

    /// `cells` with `empty` cells added up to `count` (the same array when it is that long).
    private static func padded<Cell>(_ cells: [Cell], to count: Int, with empty: Cell) -> [Cell] {
        guard cells.count < count else { return cells }
        var padded = cells
        padded.append(contentsOf: repeatElement(empty, count: count - cells.count))
        return padded
    }

    /// `CellTyping.isIdentifierColumn`, remembered by name.
    final class IdentifierColumns {
        private var known: [String: Bool] = [:]

        func contains(_ name: String) -> Bool {
            if let answer = known[name] { return answer }
            let answer = CellTyping.isIdentifierColumn(name)
            known[name] = answer
            return answer
        }
    }

    /// The cell for an output text: empty, an exact number, or text.
    func typedCell(_ text: String, identifier: Bool) -> Cell {
        guard options.rawText else { return typing.cell(text, identifier: identifier) }
        let trimmed = TextCleanup.trim(text)
        if trimmed.isEmpty { return .empty }
        if !identifier, let value = typing.cell(trimmed).number {
            return .number(value, raw: value.text == text ? nil : text)
        }
        return .text(text)
    }

    /// Only labels: no amount (a year is a label), code-name, list item or long text, and not a
    /// lone total label (an empty table's `合 计` row). `numbers` are the cells' `CellFacts` numbers.
    func isHeaderRow(_ numbers: [Int]) -> Bool {
        var filled = 0
        var lone = CellFacts.emptyNumber
        for number in numbers where number != CellFacts.emptyNumber {
            if facts[number].excludesLabelRow { return false }
            filled += 1
            lone = number
        }
        return filled > 1 || (filled == 1 && facts[lone].totalKind == nil)
    }

    /// The row's kind from its label: the first filled cell that is not a number (cells by their
    /// `CellFacts` numbers).
    func rowKind(_ numbers: [Int]) -> RowKind {
        guard let label = numbers.first(where: { $0 != CellFacts.emptyNumber && !facts[$0].isNumber }) else { return .data }
        return facts[label].totalKind ?? .data
    }

    /// The number in `keys` of a row's labels without positions or spaces, separated by U+001F:
    /// equal for a header row and its repetition, even when the repetition lost its leading empty
    /// cells. The key is built as UTF-8 bytes (appending to a `String` costs far more).
    func labelKey(_ cells: [String], in keys: inout TextNumbering) -> Int {
        var key: [UInt8] = []
        var isFirst = true
        for cell in cells where !cell.isEmpty {
            if !isFirst { key.append(0x1F) }
            key.append(contentsOf: TextCleanup.compact(cell).utf8)
            isFirst = false
        }
        return key.withUnsafeBufferPointer { bytes in
            keys.number(of: bytes) { String(decoding: $0, as: UTF8.self) }.number
        }
    }

    /// Drops rows that repeat a header row (after page breaks, per block), and label rows that
    /// repeat an earlier label row of the body right after a break (a sub-header repeated on the
    /// next page). Each dropped line gets a note.
    private func removeRepeatedHeaders(_ rows: [RegionRow], header: [RegionRow], table: String,
                                       diagnostics: inout [Diagnostic]) -> [RegionRow] {
        // Keys compared by their bytes (a `Set<String>` hashes through Unicode normalisation).
        var keys = TextNumbering()
        let headerKeys = Set(header.map { labelKey($0.clean, in: &keys) })
        var labelRows: [Int: Int] = [:]
        var kept: [RegionRow] = []
        var breakPending = false
        for var row in rows {
            row.afterBreak = row.afterBreak || breakPending
            breakPending = false
            guard row.holdsOnlyLabels else { kept.append(row); continue }
            let key = labelKey(row.clean, in: &keys)
            let filled = row.clean.filter { !$0.isEmpty }.count
            if headerKeys.contains(key) {
                diagnostics.append(Diagnostic(.note, line: row.line, "\(table): repeated header row merged into the table's header"))
                breakPending = true
                continue
            }
            if filled >= 3, row.afterBreak, let first = labelRows[key] {
                diagnostics.append(Diagnostic(.note, line: row.line,
                                              "\(table): label row repeats line \(first) after a break; merged as a repeated sub-header"))
                breakPending = true
                continue
            }
            if filled >= 3 && labelRows[key] == nil { labelRows[key] = row.line }
            kept.append(row)
        }
        return kept
    }

    /// Columns from the header labels: the path of labels above each column.
    private func columns(labels: [[HeaderLabel]], headerRows: [RegionRow], columnCount: Int) -> [Column] {
        var columns: [Column] = []
        // Names numbered by their bytes (a `[String: Int]` hashes through Unicode normalisation).
        var names = TextNumbering()
        var seen: [Int] = []
        for column in 0..<columnCount {
            var path: [String] = []
            for row in labels {
                if let label = row.first(where: { $0.covers(column) }) {
                    path.append(headerRows[label.row].output[label.sourceColumn])
                }
            }
            var entry = Column(path: path)
            if path.isEmpty { entry.name = Column.unlabelledName(at: column) }
            let (name, isNew) = names.number(of: entry.name)
            if isNew { seen.append(0) }
            seen[name] += 1
            let occurrences = seen[name]
            if occurrences > 1 { entry.name += " (\(occurrences))" }
            columns.append(entry)
        }
        return columns
    }

    /// A repair in words: what was lost and where the cells went.
    private func describe(_ realignment: Realignment, cells: [String], columns: [Column]) -> String {
        let moved = preview(cells[realignment.position])
        let target = realignment.position + realignment.count
        let cellWord = realignment.count == 1 ? "empty cell" : "empty cells"
        let columnWord = realignment.count == 1 ? "column" : "columns"
        let place: String
        if realignment.position == 0 {
            place = "at the start of the row"
        } else if let previous = cells[..<realignment.position].last(where: { !$0.isEmpty }) {
            place = "after \"\(preview(previous))\""
        } else {
            place = "before \"\(moved)\""
        }
        return "\(realignment.count) \(cellWord) lost \(place); moved \"\(moved)\" and the cells after it "
            + "\(realignment.count) \(columnWord) right, to column \(target + 1) (\(columns[target].name))"
    }

    private func preview(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 16 else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(16))) + "…"
    }
}
