import TableModel

// Forms: a table region that is a form rather than one grid is cut into sections, each read as
// its own table.
//
// A form (a performance-target sheet, a unit profile) mixes key–value rows (`单位名称 ⇥ ⇥ 某中心`,
// `整体绩效目标 ⇥ 整体绩效目标 ⇥ <text>`), small blocks with their own header (a funds block) and
// lists with another header (indicators). Read as one grid, the key–value rows become header
// rows and later headers become data. So:
// 1. Sections: a row of several labels that follows data rows opens a new section (its leading
//    label rows are its header) when it lies over columns the section's data rows do not fill,
//    is no key–value row, repeats no header and no text of the section's body (such a row is
//    data: an indicator row whose value is text).
// 2. Key–value rows become notes (`单位名称：某中心`): a leading header row that is a label and one
//    value spanning the rest of the row, whose label columns are empty in the section's data;
//    and, below the header, a row whose label sits left of the header's columns with one text
//    value (or none) after it. The form's leading ones are noted on every section.
// 3. A row label printed left of the header (`总体资金情况（万元）` beside a two-level header,
//    over a single data row whose cells under it are empty) moves into that row.
// 4. Columns empty in every row of a section are dropped.
// A region with one section that does not open with a key–value row is no form: it is left
// exactly as it is.
// Sections keep the table's title; their ids are the table's, then `-2`, `-3` … .

extension TableAssembler {
    /// The sections of `region` when it is a form, each a region of its own; else `[region]`.
    /// Lines keep what the form reader found of them (`TextLine.holdsOnlyLabels`).
    func formSections(of region: TableRegion, ordinal: Int, diagnostics: inout [Diagnostic]) -> [TableRegion] {
        let rows = FormRow.rows(of: region, classifiedBy: self)
        var region = region
        for row in rows { region.lines[row.position].holdsOnlyLabels = row.isLabels }
        guard !rows.isEmpty else { return [region] }
        let width = region.lines.map { $0.raw.count }.max() ?? 0
        let starts = sectionStarts(rows)
        let plans = starts.indices.map { index in
            planSection(rows[starts[index]..<(index + 1 < starts.count ? starts[index + 1] : rows.count)], width: width)
        }
        // A form has sections, or opens with a key–value row.
        guard starts.count > 1 || plans[0].headerStart > starts[0] else { return [region] }

        let id = region.caption?.id ?? "table-\(ordinal)"
        let sectionIDs = starts.indices.map { $0 == 0 ? id : "\(id)-\($0 + 1)" }
        // The form's leading key–value rows describe the whole form: every section notes them.
        let formNotes = plans[0].keyValueRows.filter { $0 < plans[0].headerStart }.map { noteText(rows[$0]) }
        var sections: [TableRegion] = []
        for (index, start) in starts.enumerated() {
            let firstLine = index == 0 ? 0 : rows[start].position
            let endLine = index + 1 < starts.count ? rows[starts[index + 1]].position : region.lines.count
            var section = TableRegion(caption: Caption(id: sectionIDs[index], title: region.caption?.title ?? ""),
                                      captionLine: index == 0 ? region.captionLine : nil,
                                      unit: region.unit, unitLine: region.unitLine, notes: region.notes)
            if starts.count > 1 {
                section.notes.append("section \(index + 1) of \(starts.count) of the form \(id)")
                if index > 0 {
                    diagnostics.append(Diagnostic(.note, line: rows[start].line.number,
                                                  "\(id): a new header inside the form opens section \(index + 1), read as table \(sectionIDs[index])"))
                }
            }
            if index > 0 { section.notes += formNotes }
            for row in plans[index].keyValueRows {
                section.notes.append(noteText(rows[row]))
                let labels = rows[row].filledColumns.dropLast(rows[row].filledColumns.count > 1 ? 1 : 0)
                    .map { rows[row].clean($0) }.joined(separator: " | ")
                diagnostics.append(Diagnostic(.note, line: rows[row].line.number,
                                              "\(sectionIDs[index]): key–value row of the form (\(labels)) kept as a note"))
            }
            if let move = plans[index].rowLabelMove {
                diagnostics.append(Diagnostic(.note, line: rows[move.from].line.number,
                                              "\(sectionIDs[index]): row label \"\(rows[move.from].clean(move.column))\" left of the header "
                                                + "moved into its row, line \(rows[move.to].line.number)"))
            }
            section.lines = sectionLines(region.lines[firstLine..<endLine], rows: rows, plan: plans[index], width: width)
            sections.append(section)
        }
        return sections
    }

    /// Where sections begin (indices into `rows`; the first is 0).
    private func sectionStarts(_ rows: [FormRow]) -> [Int] {
        var starts = [0]
        // Header keys compared by their bytes (a `Set<String>` hashes through Unicode normalisation).
        var keys = TextNumbering()
        var headerKeys: Set<Int> = []
        let width = rows.map { $0.numbers.count }.max() ?? 0
        var index = 0
        while index < rows.count {
            let headerCount = leadingLabelRows(rows[index...])
            headerKeys.formUnion(rows[index..<(index + headerCount)].map { labelKey($0.line.clean, in: &keys) })
            // The columns the section's data rows fill: a new header lies over other columns.
            var dataColumns = [Bool](repeating: false, count: width)
            var hasDataColumns = false
            let bodyStart = index + headerCount
            var next = bodyStart
            while next < rows.count {
                let row = rows[next]
                if row.isLabels && hasDataColumns && row.filledColumns.count >= 2 && row.keyValue == nil
                    && !row.filledColumns.allSatisfy({ dataColumns[$0] })
                    && !headerKeys.contains(labelKey(row.line.clean, in: &keys))
                    && !repeatsText(of: rows[bodyStart..<next], row) {
                    break
                }
                if !row.isLabels && row.keyValue == nil {
                    for column in row.filledColumns { dataColumns[column] = true }
                    hasDataColumns = hasDataColumns || !row.filledColumns.isEmpty
                }
                next += 1
            }
            if next < rows.count { starts.append(next) }
            index = next
        }
        return starts
    }

    /// Whether `row` holds a text of `body`: a row of labels that does is data (an indicator row
    /// whose value is text), not a new header.
    private func repeatsText(of body: ArraySlice<FormRow>, _ row: FormRow) -> Bool {
        let texts = Set(row.filledColumns.map { TextCleanup.compact(row.clean($0)) })
        return body.contains { other in other.filledColumns.contains { texts.contains(TextCleanup.compact(other.clean($0))) } }
    }

    /// The leading label rows of `rows`, as the assembler counts header rows.
    private func leadingLabelRows(_ rows: ArraySlice<FormRow>) -> Int {
        var count = 0
        var index = rows.startIndex
        while index < rows.endIndex && count < Self.maximumHeaderRows && rows[index].isLabels {
            count += 1
            index += 1
        }
        return count
    }

    /// What a section's rows are: which are key–value rows, where the header begins, and a row
    /// label to move.
    private func planSection(_ rows: ArraySlice<FormRow>, width: Int) -> SectionPlan {
        var plan = SectionPlan(range: rows.indices, headerStart: rows.startIndex)
        let headerEnd = rows.startIndex + leadingLabelRows(rows)
        let body = rows[headerEnd...]
        let plain = body.filter { $0.keyValue == nil }
        guard !plain.isEmpty else { return plan }

        // Leading key–value rows: a label and its value, over columns the data leaves empty.
        while plan.headerStart < headerEnd, let pair = rows[plan.headerStart].keyValue, let value = pair.value,
              value + 1 < width,
              plain.allSatisfy({ row in (pair.labelStart..<value).allSatisfy { row.clean($0).isEmpty } }) {
            plan.keyValueRows.append(plan.headerStart)
            plan.headerStart += 1
        }
        let header = rows[plan.headerStart..<headerEnd]
        guard let top = header.first else { return plan }

        // A row label left of the header, over the single data row's empty cells.
        var firstHeaderColumn = header.compactMap { $0.filledColumns.first }.min() ?? 0
        if plain.count == 1, let data = plain.first, top.filledColumns.count >= 2, let column = top.filledColumns.first,
           column == firstHeaderColumn {
            let end = top.filledColumns[1]
            let below = header.dropFirst().allSatisfy { row in (column..<end).allSatisfy { row.clean($0).isEmpty } }
            if below && (column..<end).allSatisfy({ data.clean($0).isEmpty }) {
                plan.rowLabelMove = SectionPlan.Move(from: top.index, to: data.index, column: column)
                firstHeaderColumn = header.compactMap { row in row.filledColumns.first { $0 != column || row.index != top.index } }
                    .min() ?? firstHeaderColumn
            }
        }

        // Key–value rows below the header: the label left of the header's columns, a text value
        // (or none) in them, nothing after it.
        for row in body {
            guard let pair = row.keyValue, pair.value.map({ $0 >= firstHeaderColumn }) ?? true,
                  row.filledColumns.allSatisfy({ $0 == pair.value || $0 < firstHeaderColumn }) else { continue }
            plan.keyValueRows.append(row.index)
        }
        return plan
    }

    /// A key–value row as a note: `label：value` (`label: value` for a label without CJK).
    private func noteText(_ row: FormRow) -> String {
        let cell = { (column: Int) in self.options.rawText ? TextCleanup.trim(row.raw(column)) : row.clean(column) }
        guard let pair = row.keyValue else { return row.filledColumns.map(cell).joined(separator: " ") }
        let label = cell(pair.labelStart)
        let value = pair.value.map(cell) ?? ""
        if label.unicodeScalars.contains(where: TextCleanup.isCJK) { return label + "：" + value }
        return label + ":" + (value.isEmpty ? "" : " " + value)
    }

    /// A section's lines without its key–value rows, with the row label moved and the columns
    /// that are empty in every row dropped.
    private func sectionLines(_ lines: ArraySlice<TextLine>, rows: [FormRow], plan: SectionPlan, width: Int) -> [TextLine] {
        let dropped = Set(plan.keyValueRows.map { rows[$0].position })
        // The kept rows' cells, padded to the region's width, keyed by line position.
        var kept: [Int: (raw: [String], clean: [String], numbers: [Int], holdsOnlyLabels: Bool?)] = [:]
        for index in plan.range where !plan.keyValueRows.contains(index) && rows[index].line.isTabbed {
            let row = rows[index]
            kept[row.position] = ((0..<width).map(row.raw), (0..<width).map(row.clean), (0..<width).map(row.number), row.isLabels)
        }
        if let move = plan.rowLabelMove {
            let from = rows[move.from]
            kept[rows[move.to].position]?.raw[move.column] = from.raw(move.column)
            kept[rows[move.to].position]?.clean[move.column] = from.clean(move.column)
            kept[rows[move.to].position]?.numbers[move.column] = from.number(move.column)
            kept[from.position]?.raw[move.column] = ""
            kept[from.position]?.clean[move.column] = ""
            kept[from.position]?.numbers[move.column] = CellFacts.emptyNumber
            // Their cells changed: judged again.
            kept[rows[move.to].position]?.holdsOnlyLabels = nil
            kept[from.position]?.holdsOnlyLabels = nil
        }
        var columns = (0..<width).filter { column in kept.values.contains { !$0.clean[column].isEmpty } }
        if columns.count < 2 { columns = Array(0..<width) }
        var result: [TextLine] = []
        for position in lines.indices where !dropped.contains(position) {
            guard let cells = kept[position] else {
                result.append(lines[position])
                continue
            }
            result.append(TextLine(number: lines[position].number, raw: columns.map { cells.raw[$0] },
                                   clean: columns.map { cells.clean[$0] }, factNumbers: columns.map { cells.numbers[$0] },
                                   holdsOnlyLabels: cells.holdsOnlyLabels))
        }
        return result
    }
}

/// What a form section is made of (indices into the region's rows).
private struct SectionPlan {
    struct Move {
        var from: Int
        var to: Int
        var column: Int
    }

    var range: Range<Int>
    /// Where the header begins, after the leading key–value rows.
    var headerStart: Int
    var keyValueRows: [Int] = []
    var rowLabelMove: Move?
}

/// A row of a region as the form reader sees it: its line and what its cells hold.
private struct FormRow {
    /// A label and the column of its value (`nil`: a lone label).
    struct KeyValue {
        var labelStart: Int
        var value: Int?
    }

    var index: Int
    /// The position of its line in the region's lines.
    var position: Int
    var line: TextLine
    /// The `CellFacts` numbers of the line's cleaned cells.
    var numbers: [Int]
    var filledColumns: [Int]
    var isLabels: Bool
    var keyValue: KeyValue?

    /// The cleaned cell in `column` ("" past the end of the line).
    func clean(_ column: Int) -> String { column < line.clean.count ? line.clean[column] : "" }

    /// The cell in `column` as extracted.
    func raw(_ column: Int) -> String { column < line.raw.count ? line.raw[column] : "" }

    /// The `CellFacts` number of the cleaned cell in `column` (the empty text's past the end).
    func number(_ column: Int) -> Int { column < numbers.count ? numbers[column] : CellFacts.emptyNumber }

    /// The rows of `region`, as the assembler takes them (tabbed lines and lone total labels).
    static func rows(of region: TableRegion, classifiedBy classifier: TableAssembler) -> [FormRow] {
        var rows: [FormRow] = []
        for (position, line) in region.lines.enumerated() where !line.isBlank {
            let numbers = classifier.facts.numbers(of: line)
            guard line.isTabbed || classifier.facts[numbers[0]].totalKind != nil else { continue }
            var filled: [Int] = []
            filled.reserveCapacity(numbers.count)
            for column in numbers.indices where numbers[column] != CellFacts.emptyNumber { filled.append(column) }
            rows.append(FormRow(index: rows.count, position: position, line: line, numbers: numbers, filledColumns: filled,
                                isLabels: classifier.isHeaderRow(numbers),
                                keyValue: keyValue(line.clean, numbers, filled: filled, facts: classifier.facts)))
        }
        return rows
    }

    /// A label (printed once, or repeated over a merged cell) and one text value after it with
    /// only empty cells to its right; or a lone label. Not a total, not a number.
    private static func keyValue(_ cells: [String], _ numbers: [Int], filled: [Int], facts: CellFacts) -> KeyValue? {
        guard let first = filled.first, let last = filled.last else { return nil }
        // All filled cells but the last repeat the label (most rows fail here, cheaply; cells are
        // cleaned, so equal labels are equal strings).
        guard filled.dropFirst().dropLast().allSatisfy({ cells[$0] == cells[first] }),
              !facts[numbers[first]].isNumber, facts[numbers[first]].totalKind == nil else { return nil }
        if filled.count == 1 { return KeyValue(labelStart: first, value: nil) }
        guard cells[last] != cells[first], !facts[numbers[last]].isNumber else { return nil }
        return KeyValue(labelStart: first, value: last)
    }
}
