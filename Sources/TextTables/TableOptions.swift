import TableModel

// What the reader's options do to an assembled table: fill-down of block-structured tables,
// splitting code-name columns, converting amounts to another unit; and the column types.

enum TableTransforms {
    // MARK: Fill-down

    /// In a block-structured table (table 12: a project's name, amounts and goal on the first of
    /// its indicator rows only), copies the block's values onto every row of the block.
    ///
    /// The block key is the leftmost column filled on the first data row and on fewer than half
    /// of the data rows; a block starts where it is filled. Block columns are those filled only on
    /// block starts; at least one besides the key must be filled on most block starts, else the
    /// table is not block-structured (a key alone is just a sparse column). Returns the rows filled.
    @discardableResult
    static func fillDown(_ table: inout Table) -> Int {
        let dataRows = table.rows.indices.filter { table.rows[$0].kind == .data }
        guard dataRows.count >= 2, let columnCount = table.rows.first?.cells.count else { return 0 }
        let filledRows = (0..<columnCount).map { column in
            Set(dataRows.filter { !table.rows[$0].cells[column].isEmpty })
        }
        guard let key = (0..<columnCount).first(where: { column in
            filledRows[column].contains(dataRows[0]) && filledRows[column].count >= 2
                && filledRows[column].count * 2 < dataRows.count
        }) else { return 0 }
        let starts = filledRows[key]
        let blockColumns = (0..<columnCount).filter { column in
            column != key && !filledRows[column].isEmpty && filledRows[column].isSubset(of: starts)
        }
        guard blockColumns.contains(where: { filledRows[$0].count * 5 >= starts.count * 4 }) else { return 0 }
        var filled = 0
        var blockStart: Int?
        for index in dataRows {
            if starts.contains(index) { blockStart = index; continue }
            guard let start = blockStart else { continue }
            var changed = false
            for column in [key] + blockColumns where table.rows[index].cells[column].isEmpty {
                table.rows[index].cells[column] = table.rows[start].cells[column]
                changed = changed || !table.rows[start].cells[column].isEmpty
            }
            if changed { filled += 1 }
        }
        return filled
    }

    // MARK: Split codes

    /// Splits every code-name column (`2010350-事业运行`: nine in ten of its filled data cells are
    /// code-name) into a code column and a name column, in the header tree too.
    /// Returns the columns split.
    @discardableResult
    static func splitCodes(_ table: inout Table) -> Int {
        guard let columnCount = table.rows.first?.cells.count else { return 0 }
        var split = 0
        for column in stride(from: columnCount - 1, through: 0, by: -1) {
            let values = table.rows.filter { $0.kind == .data }.compactMap { $0.cells[column].text }
            let filled = table.rows.filter { $0.kind == .data && !$0.cells[column].isEmpty }.count
            let codeNames = values.filter { CellLabels.codeName($0) != nil }.count
            guard codeNames > 0, codeNames * 10 >= filled * 9 else { continue }
            splitColumn(column, of: &table)
            split += 1
        }
        return split
    }

    private static func splitColumn(_ column: Int, of table: inout Table) {
        let original = table.columns[column]
        let isChinese = (original.path + [original.name]).contains { $0.unicodeScalars.contains(where: TextCleanup.isCJK) }
            || table.rows.contains { $0.cells[column].text.map { $0.unicodeScalars.contains(where: TextCleanup.isCJK) } ?? false }
        let codeLabel = isChinese ? "编码" : "code"
        let nameLabel = isChinese ? "名称" : "name"
        for index in table.rows.indices {
            let cell = table.rows[index].cells[column]
            var code = Cell.empty
            var name = cell
            if let text = cell.text, let parts = CellLabels.codeName(text) {
                code = .text(String(parts.code))
                name = .text(String(parts.name))
            }
            table.rows[index].cells[column] = code
            table.rows[index].cells.insert(name, at: column + 1)
        }
        var codeColumn = Column(path: original.path + [codeLabel])
        var nameColumn = Column(path: original.path + [nameLabel])
        if original.path.isEmpty {
            codeColumn.name = original.name + " " + codeLabel
            nameColumn.name = original.name + " " + nameLabel
        }
        table.columns.replaceSubrange(column...column, with: [codeColumn, nameColumn])
        guard !table.header.isEmpty else { return }

        // The header: labels over the split column widen, those to its right move, and the code
        // and name labels go under the lowest label over the column, in the rows it spanned down
        // over, or in a new bottom row.
        var lowest: (row: Int, index: Int)?
        for row in table.header.indices {
            for index in table.header[row].indices {
                let cell = table.header[row][index]
                if cell.column > column {
                    table.header[row][index].column += 1
                } else if cell.column + cell.columnSpan > column {
                    table.header[row][index].columnSpan += 1
                    lowest = (row, index)
                }
            }
        }
        guard let (row, index) = lowest else { return }
        let rowCount = table.header.count
        let labelRow: Int
        if table.header[row][index].rowSpan > 1 {
            labelRow = row + 1
            table.header[row][index].rowSpan = 1
        } else {
            labelRow = rowCount
            for upper in table.header.indices {
                for other in table.header[upper].indices
                where upper + table.header[upper][other].rowSpan == rowCount && !(upper == row && other == index) {
                    table.header[upper][other].rowSpan += 1
                }
            }
            table.header.append([])
        }
        let span = table.header.count - labelRow
        table.header[labelRow].append(HeaderCell(text: codeLabel, column: column, rowSpan: span))
        table.header[labelRow].append(HeaderCell(text: nameLabel, column: column + 1, rowSpan: span))
        table.header[labelRow].sort { $0.column < $1.column }
    }

    // MARK: Units

    /// Converts the amounts of `table` from its unit to `target` (`万元` → `元`: ×10,000 exactly,
    /// `9885.752630` → `98857526.30`) and records the new unit. Amount columns are the number
    /// columns that are neither identifiers nor rates, shares or counts. A table without a unit is
    /// left as printed (returns false); a unit that cannot be converted to `target` throws.
    static func convertUnit(_ table: inout Table, to target: String, unitLine: Int?) throws -> Bool {
        guard let targetUnit = AmountUnit(target) else {
            throw FormatError("cannot convert to unit \"\(target)\": not a unit tabconv knows (元, 千元, 万元, 亿元, USD thousand, …)")
        }
        guard let unit = table.unit else { return false }
        guard let sourceUnit = AmountUnit(unit), sourceUnit.base == targetUnit.base else {
            throw FormatError(line: unitLine ?? table.head.line, "table \(table.id): cannot convert its unit \"\(unit)\" to \"\(target)\"")
        }
        let places = sourceUnit.exponent - targetUnit.exponent
        for (column, entry) in table.columns.enumerated() where entry.type == .number && isAmountColumn(entry.name) {
            for index in table.rows.indices {
                if case .number(let value, _) = table.rows[index].cells[column] {
                    table.rows[index].cells[column] = .number(value.shifted(by: places))
                }
            }
        }
        table.unit = target
        return true
    }

    private static func isAmountColumn(_ name: String) -> Bool {
        if CellTyping.isIdentifierColumn(name) { return false }
        let lowered = name.lowercased()
        return !["率", "%", "％", "比例", "比重", "数量", "人数", "rate", "percent", "share", "count"].contains { lowered.contains($0) }
    }

    // MARK: Column types

    /// Sets each column's type from its cells: number when every filled cell is a number.
    static func assignColumnTypes(_ table: inout Table) {
        for column in table.columns.indices {
            var sawNumber = false
            var sawText = false
            for row in table.rows where column < row.cells.count {
                switch row.cells[column] {
                case .empty: break
                case .number: sawNumber = true
                case .text: sawText = true
                }
            }
            table.columns[column].type = sawText ? .text : (sawNumber ? .number : .empty)
        }
    }
}

/// A money unit as a base and a power of ten: `万元` is (元, 4), `USD thousand` is (USD, 3).
struct AmountUnit: Hashable {
    var base: String
    var exponent: Int

    init?(_ text: String) {
        let compact = TextCleanup.compact(text)
        if compact.hasSuffix("元") {
            var prefix = String(compact.dropLast())
            if prefix.hasPrefix("人民币") { prefix.removeFirst(3) }
            let multipliers = ["": 0, "十": 1, "百": 2, "千": 3, "万": 4, "十万": 5, "百万": 6, "千万": 7, "亿": 8]
            guard let exponent = multipliers[prefix] else { return nil }
            self.init(base: "元", exponent: exponent)
            return
        }
        let words = text.lowercased().split { $0 == " " || $0 == "," || $0 == "(" || $0 == ")" }
            .filter { !["in", "of"].contains($0) }
        let multipliers = ["thousand": 3, "thousands": 3, "k": 3, "million": 6, "millions": 6, "m": 6,
                           "billion": 9, "billions": 9, "bn": 9]
        var exponent = 0
        var currency: [String] = []
        for word in words {
            if let power = multipliers[String(word)] { exponent += power } else { currency.append(word.uppercased()) }
        }
        // A currency code (USD, EUR) or sign.
        guard currency.count == 1, let base = currency.first,
              (2...4).contains(base.count) && base.unicodeScalars.allSatisfy({ $0.value >= 0x41 && $0.value <= 0x5A })
                || ["$", "€", "£", "¥"].contains(base) else {
            return nil
        }
        self.init(base: base, exponent: exponent)
    }

    init(base: String, exponent: Int) {
        self.base = base
        self.exponent = exponent
    }
}
