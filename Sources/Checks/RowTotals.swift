import TableModel

/// A label column (or several) and the amount columns its labels describe. An ordinary table is
/// one panel; a statement printed side by side (收入 | 支出) is one panel per side.
struct Panel {
    var labelColumns: [Int]
    var amountColumns: [Int]
}

extension TableChecker {
    // MARK: Panels

    /// The panels of the table, and whether they are statements side by side.
    func panels() -> (panels: [Panel], sideBySide: Bool) {
        var runs: [Panel] = []
        var current = Panel(labelColumns: [], amountColumns: [])
        for column in 0..<columnCount {
            if !isAmountColumn(column) {
                if !current.amountColumns.isEmpty {
                    runs.append(current)
                    current = Panel(labelColumns: [], amountColumns: [])
                }
                current.labelColumns.append(column)
            } else {
                current.amountColumns.append(column)
            }
        }
        if !current.labelColumns.isEmpty || !current.amountColumns.isEmpty { runs.append(current) }
        let withNumbers = runs.filter { !$0.labelColumns.isEmpty && $0.amountColumns.contains { columnsWithNumbers.contains($0) } }
        if withNumbers.count >= 2, withNumbers.count == runs.filter({ !$0.amountColumns.isEmpty }).count,
           panelsAreSides(withNumbers) {
            return (withNumbers, true)
        }
        let firstAmount = (0..<columnCount).first(where: isAmountColumn) ?? columnCount
        let leading = (0..<firstAmount).map { $0 }
        let labels = leading.isEmpty ? (0..<columnCount).filter { !isAmountColumn($0) } : leading
        let amounts = (0..<columnCount).filter(isAmountColumn)
        return ([Panel(labelColumns: labels, amountColumns: amounts)], false)
    }

    /// True when each panel sits under its own top-level header (`收入/…`, `支出/…`), or the
    /// panels repeat the same column labels (`Item | Amount | Item | Amount`).
    private func panelsAreSides(_ panels: [Panel]) -> Bool {
        let columns = table.head.columns
        guard !columns.isEmpty else { return false }
        let tops = panels.map { panel -> Set<String> in
            Set((panel.labelColumns + panel.amountColumns).compactMap { $0 < columns.count ? columns[$0].path.first : nil })
        }
        if tops.allSatisfy({ $0.count == 1 }), Set(tops.compactMap(\.first)).count == panels.count,
           columns.allSatisfy({ $0.path.count >= 2 }) {
            return true
        }
        func leafLabels(_ panel: Panel) -> [String] {
            (panel.labelColumns + panel.amountColumns).map { $0 < columns.count ? columns[$0].path.last ?? "" : "" }
        }
        let first = leafLabels(panels[0])
        return panels.dropFirst().allSatisfy { leafLabels($0) == first }
    }

    // MARK: Closing rows

    mutating func checkRows() {
        let (panels, sideBySide) = panels()
        var grandTotals: [[Int]] = []
        for panel in panels where !panel.amountColumns.isEmpty {
            var walk = PanelWalk(panel: panel)
            walk.sideBySide = sideBySide
            walk.run(in: &self)
            grandTotals.append(walk.grandTotalRows)
        }
        guard sideBySide else { return }
        checkBalance(panels: panels, grandTotals: grandTotals)
    }

    /// Statements side by side: each side's grand total (`收入总计`, `支出总计`), printed on the
    /// same row, must agree.
    private mutating func checkBalance(panels: [Panel], grandTotals: [[Int]]) {
        let sides = zip(panels, grandTotals).filter { $0.1.count == 1 }
        guard sides.count >= 2, sides.count == panels.count else { return }
        let row = sides[0].1[0]
        guard sides.allSatisfy({ $0.1[0] == row }) else { return }
        let first = sides[0].0
        let firstLabel = label(ofRow: row, columns: first.labelColumns)
        for side in sides.dropFirst() {
            let other = side.0
            guard other.amountColumns.count == first.amountColumns.count else { continue }
            let otherLabel = label(ofRow: row, columns: other.labelColumns)
            for (left, right) in zip(first.amountColumns, other.amountColumns) {
                let stated = CellPosition(row: row, column: left)
                let part = CellPosition(row: row, column: right)
                var subject = "\(firstLabel) = \(otherLabel)"
                if first.amountColumns.count > 1 { subject += " column \(columnName(left))" }
                record(evaluate(.balance, subject: subject, stated: stated, parts: [(part, otherLabel)]), stated: stated)
            }
        }
    }

    /// The closing level of a row within a panel: 0 for data, 1 subtotal, 2 total, 3 grand total.
    /// Side by side, each side's label decides; otherwise the row kind, refined by the label.
    func closingLevel(ofRow row: Int, label: String, sideBySide: Bool) -> Int {
        let labelLevel = Labels.closingLevel(ofRowLabel: label)
        if sideBySide { return labelLevel }
        switch table.rows[row].kind {
        case .subtotal: return 1
        case .total: return labelLevel == 3 ? 3 : 2
        case .data: return labelLevel
        }
    }
}

/// One pass down a panel: items, sub-lines and the closing rows that sum them.
private struct PanelWalk {
    let panel: Panel
    var sideBySide = false

    /// A row the next closing row may sum.
    struct Entry {
        var row: Int
        /// 0 for an item, else the level of the closing row it is.
        var level: Int
        /// A labelled row without amounts: a group heading, where a 小计's block may begin.
        var isGroupLabel = false
    }

    var pending: [Entry] = []
    var grandTotalRows: [Int] = []
    /// Lines that extend the code of the line above (`20103` under `201`): open ancestors.
    var codeStack: [(code: String, row: Int, children: [Int])] = []
    /// An unnumbered line with an amount whose enumerated sub-lines (`一、`, `二、` …) follow.
    var enumeratedParent: (row: Int, style: Labels.Enumeration.Style, last: Int, children: [Int])?
    /// The last row walked that had a label or an amount.
    var previousRow: Int?
    /// A closing row met before any row it could close.
    var leadingTotal: (row: Int, level: Int, label: String)?

    init(panel: Panel) {
        self.panel = panel
    }

    mutating func run(in checker: inout TableChecker) {
        for row in checker.table.rows.indices {
            let label = checker.label(ofRow: row, columns: panel.labelColumns)
            let amounts = panel.amountColumns.map { checker.amount(CellPosition(row: row, column: $0)) }
            let hasAmount = amounts.contains { if case .empty = $0 { return false } else { return true } }
            let level = checker.closingLevel(ofRow: row, label: label, sideBySide: sideBySide)
            if level > 0 {
                closeSubLines(in: &checker)
                close(row: row, level: level, label: label, in: &checker)
                previousRow = row
                continue
            }
            if Labels.normalized(label).isEmpty && !hasAmount { continue }
            if !hasAmount {
                if continuesEnumeration(row: row, label: label) {
                    previousRow = row
                    continue
                }
                closeSubLines(in: &checker)
                pending.append(Entry(row: row, level: 0, isGroupLabel: true))
                previousRow = row
                continue
            }
            if !placeAsSubLine(row: row, label: label, in: &checker) {
                pending.append(Entry(row: row, level: 0))
            }
            previousRow = row
        }
        closeSubLines(in: &checker)
        closeLeadingTotal(in: &checker)
    }

    // MARK: Sub-lines

    /// The code a label starts with (`2010350` of `2010350-事业运行`): three or more digits,
    /// taken from the first label column that holds one.
    private func code(ofRow row: Int, checker: TableChecker) -> String? {
        for column in panel.labelColumns {
            guard let text = checker.cell(CellPosition(row: row, column: column)).text else { continue }
            let digits = text.prefix { $0.isASCII && $0.isNumber }
            if digits.count >= 3 { return String(digits) }
        }
        return nil
    }

    /// Places an item row under the line it belongs to, if it is a sub-line; returns whether it was.
    private mutating func placeAsSubLine(row: Int, label: String, in checker: inout TableChecker) -> Bool {
        if let code = code(ofRow: row, checker: checker) {
            while let top = codeStack.last, !(code.count > top.code.count && code.hasPrefix(top.code)) {
                popCode(in: &checker)
            }
            let isChild = !codeStack.isEmpty
            if isChild { codeStack[codeStack.count - 1].children.append(row) }
            codeStack.append((code, row, []))
            if isChild { return true }
        } else {
            while !codeStack.isEmpty { popCode(in: &checker) }
        }

        let enumeration = Labels.enumeration(of: label)
        if enumeratedParent != nil {
            if continuesEnumeration(row: row, label: label) { return true }
            closeEnumeratedParent(in: &checker)
        }
        if let enumeration, enumeration.ordinal == 1, let previous = pending.last,
           previous.level == 0, !previous.isGroupLabel, previous.row == previousRow,
           Labels.enumeration(of: checker.label(ofRow: previous.row, columns: panel.labelColumns)) == nil,
           code(ofRow: previous.row, checker: checker) == nil {
            enumeratedParent = (previous.row, enumeration.style, 1, [row])
            return true
        }
        return false
    }

    /// Adds a row without amounts to the open enumerated sub-lines when it is their next number.
    private mutating func continuesEnumeration(row: Int, label: String) -> Bool {
        guard let parent = enumeratedParent, let enumeration = Labels.enumeration(of: label),
              enumeration.style == parent.style, enumeration.ordinal == parent.last + 1 else { return false }
        enumeratedParent?.last = enumeration.ordinal
        enumeratedParent?.children.append(row)
        return true
    }

    private mutating func popCode(in checker: inout TableChecker) {
        guard let node = codeStack.popLast() else { return }
        if !node.children.isEmpty { checkBreakdown(parent: node.row, children: node.children, in: &checker) }
    }

    private mutating func closeEnumeratedParent(in checker: inout TableChecker) {
        guard let parent = enumeratedParent else { return }
        enumeratedParent = nil
        checkBreakdown(parent: parent.row, children: parent.children, in: &checker)
    }

    private mutating func closeSubLines(in checker: inout TableChecker) {
        while !codeStack.isEmpty { popCode(in: &checker) }
        closeEnumeratedParent(in: &checker)
    }

    private func checkBreakdown(parent: Int, children: [Int], in checker: inout TableChecker) {
        let parentLabel = checker.label(ofRow: parent, columns: panel.labelColumns)
        for column in panel.amountColumns {
            let stated = CellPosition(row: parent, column: column)
            let parts = children.map { child -> (position: CellPosition, label: String) in
                (CellPosition(row: child, column: column), rowName(child, checker: checker))
            }
            let subject = "\(rowName(parent, label: parentLabel, checker: checker)) column \(checker.columnName(column)) = its sub-lines"
            checker.record(checker.evaluate(.breakdown, subject: subject, stated: stated, parts: parts), stated: stated)
        }
    }

    private func rowName(_ row: Int, label: String? = nil, checker: TableChecker) -> String {
        let text = label ?? checker.label(ofRow: row, columns: panel.labelColumns)
        if !Labels.normalized(text).isEmpty { return text }
        return checker.line(ofRow: row).map { "line \($0)" } ?? "row \(row + 1)"
    }

    // MARK: Closing rows

    private mutating func close(row: Int, level: Int, label: String, in checker: inout TableChecker) {
        if pending.isEmpty && leadingTotal == nil {
            // A total printed above its rows (合计 as the first line) closes what follows it.
            leadingTotal = (row, level, label)
            return
        }
        let blockStart = (pending.lastIndex { $0.level >= level }).map { $0 + 1 } ?? 0
        // Rows without amounts count as zero parts; a group heading that opens the block does not.
        func rows(from start: Int) -> [Int] {
            pending[start...].enumerated().filter { !($0.offset == 0 && start != blockStart) }.map(\.element.row)
        }
        // Where the closed rows begin: after the previous closing row of this level or above; a
        // 小计 may instead close only the rows under the last group heading of that block.
        var starts = [blockStart]
        if level == 1, let heading = pending[blockStart...].lastIndex(where: { $0.isGroupLabel }) {
            starts.append(heading)
        }
        let chosen = checkClosing(row: row, label: label, readings: starts.map(rows(from:)), in: &checker)
        pending.removeSubrange(starts[chosen]...)
        pending.append(Entry(row: row, level: level))
        if level == 3 { grandTotalRows.append(row) }
    }

    /// Checks a total printed above its rows against the rows of lower level that followed it.
    mutating func closeLeadingTotal(in checker: inout TableChecker) {
        guard let leading = leadingTotal else { return }
        let rows = pending.filter { $0.level < leading.level }.map(\.row)
        checkClosing(row: leading.row, label: leading.label, readings: [rows], in: &checker)
        if leading.level == 3 { grandTotalRows.append(leading.row) }
    }

    /// Checks a closing row against the first reading of its rows under which every amount column
    /// adds up, or against the first reading when none does; returns the index of the reading used.
    @discardableResult
    private func checkClosing(row: Int, label: String, readings: [[Int]], in checker: inout TableChecker) -> Int {
        var chosen: (index: Int, identities: [Identity], textRows: Bool) = (0, [], false)
        for (index, rows) in readings.enumerated() {
            var outcomes: [Identity] = []
            var textRows = false
            let names = rows.map { rowName($0, checker: checker) }
            for column in panel.amountColumns {
                let stated = CellPosition(row: row, column: column)
                let parts = zip(rows, names).map { (position: CellPosition(row: $0, column: column), label: $1) }
                let subject = "\(rowName(row, label: label, checker: checker)) column \(checker.columnName(column))"
                switch checker.evaluate(.columnTotal, subject: subject, stated: stated, parts: parts) {
                case .identity(let identity): outcomes.append(identity)
                case .statedIsText: textRows = true
                case .nothingStated: break
                }
            }
            let holds = outcomes.allSatisfy { $0.status == .held }
            if index == 0 || holds { chosen = (index, outcomes, textRows) }
            if holds { break }
        }
        checker.identities += chosen.identities
        if chosen.textRows {
            checker.skip(rowName(row, label: label, checker: checker), reason: "the total row holds text in an amount column",
                         lines: checker.line(ofRow: row).map { [$0] } ?? [])
        }
        return chosen.index
    }
}
