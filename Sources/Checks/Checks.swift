// Checks: the accounting identities a table states, verified with exact decimal arithmetic.
//
// Approach: identities come from words, never from arithmetic alone. Three sources:
// - rows: a total or subtotal row (its row kind, or a label such as 合计, 小计, 总计, 本年收入合计,
//   Total, Subtotal) equals the sum of the rows it closes, per amount column. Closings nest by
//   level (小计 < 合计 < 总计): a 合计 sums the 小计 rows and the rows no 小计 covered, a 总计 sums
//   the 合计 rows and the lines after them (收入总计 = 本年收入合计 + 上年结转结余). Sub-lines are
//   parts of their line, not additional: codes that extend the code above them (201 → 20103) and
//   an enumeration restarting at 一、 under an unnumbered line with an amount (上年结转结余).
//   Statements printed side by side (收入 | 支出, each a label column and amount columns under
//   its own top-level header) are walked one panel at a time, and their grand totals must agree.
// - columns (ColumnTree.swift): a column labelled 合计/小计/总计/总数/总额/Total equals the sum
//   of its sibling columns under the same header; a sibling group counts through its own total
//   column. 其中 ("of which") and 扣除…后 ("after deducting") columns are subsets, never addends;
//   a group holding rates or changes states a comparison and is not summed.
// - every identity is reported: held, failed, or unverified with the reason, and what could not
//   be derived is listed as not checked, so a reader knows what was and was not verified.
// Sums are exact: a 64-bit integer at a common scale while it fits, Foundation `Decimal` (made
// from `ExactDecimal` digits, 38 of them) beyond; never `Double`.

import Foundation
import TableModel

/// How identities are checked.
public struct CheckOptions: Hashable, Sendable {
    /// The largest difference between a stated total and its sum that still counts as held
    /// (`0.01` for publications that round their parts). Default zero: exact.
    public var tolerance: ExactDecimal

    /// Options with the given tolerance (default zero).
    public init(tolerance: ExactDecimal = ExactDecimal(Decimal(0), scale: 0)) {
        self.tolerance = tolerance
    }
}

/// Cross-footing of the totals a document's tables state (`tabconv check`).
public enum Checks {
    /// Derives every identity the tables of `document` state and checks each one.
    public static func run(_ document: Document, options: CheckOptions = .init()) -> CheckReport {
        let tolerance = abs(options.tolerance.decimal)
        var report = CheckReport(tolerance: options.tolerance)
        for (index, table) in document.tables.enumerated() {
            var checker = TableChecker(table: table, tableIndex: index, tolerance: tolerance)
            checker.run()
            report.identities += checker.identities
            report.skipped += checker.skipped
        }
        return report
    }
}

/// A cell read as an amount: empty cells and dashes (`-`, `—`) count as zero.
enum Amount {
    case number(ExactDecimal)
    case empty
    case text(String)

    init(_ cell: Cell) {
        switch cell {
        case .empty: self = .empty
        case .number(let value, _): self = .number(value)
        case .text(let text):
            let trimmed = Labels.normalized(text)
            let dashes: Set<String> = ["-", "--", "—", "——", "–", "－", "―"]
            self = trimmed.isEmpty || dashes.contains(trimmed) ? .empty : .text(text)
        }
    }

    var number: ExactDecimal? {
        if case .number(let value) = self { return value }
        return nil
    }

    var isText: Bool {
        if case .text = self { return true }
        return false
    }
}

/// The identities of one table.
struct TableChecker {
    let table: Table
    let tableIndex: Int
    let tolerance: Decimal
    /// The columns in which some row holds a number.
    let columnsWithNumbers: Set<Int>
    var identities: [Identity] = []
    var skipped: [SkippedIdentity] = []

    init(table: Table, tableIndex: Int, tolerance: Decimal) {
        self.table = table
        self.tableIndex = tableIndex
        self.tolerance = tolerance
        var columns = Set<Int>()
        for row in table.rows {
            for (column, cell) in row.cells.enumerated() where cell.number != nil { columns.insert(column) }
        }
        columnsWithNumbers = columns
    }

    var tableID: String { table.head.id.isEmpty ? table.head.title : table.head.id }

    mutating func run() {
        guard !columnsWithNumbers.isEmpty else {
            skip("", reason: "the table holds no amounts", lines: [])
            return
        }
        let before = identities.count
        let skippedBefore = skipped.count
        checkRows()
        checkColumns()
        // In the order of the table: by the row, then the column, of the stated cell.
        let derived = identities[before...].enumerated().sorted {
            ($0.element.statedCell.row, $0.element.statedCell.column, $0.offset)
                < ($1.element.statedCell.row, $1.element.statedCell.column, $1.offset)
        }
        identities.replaceSubrange(before..., with: derived.map(\.element))
        if identities.count == before && skipped.count == skippedBefore {
            skip("", reason: "no total row or total column states an identity", lines: [])
        }
    }

    // MARK: Cells

    func cell(_ position: CellPosition) -> Cell {
        let cells = table.rows[position.row].cells
        return position.column < cells.count ? cells[position.column] : .empty
    }

    func amount(_ position: CellPosition) -> Amount { Amount(cell(position)) }

    func line(ofRow row: Int) -> Int? { table.rows[row].line }

    func columnName(_ column: Int) -> String {
        column < table.head.columns.count ? table.head.columns[column].name : "column \(column + 1)"
    }

    /// True for a column of amounts: typed number or empty, or holding numbers among text cells
    /// (a `n/a` does not make an amount column a label column).
    func isAmountColumn(_ column: Int) -> Bool {
        if columnsWithNumbers.contains(column) { return true }
        return column < table.head.columns.count && table.head.columns[column].type != .text
    }

    /// The number of columns: the header's, or the widest row's when there is no header.
    var columnCount: Int {
        max(table.head.columns.count, table.rows.map(\.cells.count).max() ?? 0)
    }

    /// The text of the label cells of a row, joined by spaces.
    func label(ofRow row: Int, columns: [Int]) -> String {
        columns.compactMap { column -> String? in
            let text = cell(CellPosition(row: row, column: column)).text ?? ""
            return Labels.normalized(text).isEmpty ? nil : text
        }.joined(separator: " ")
    }

    // MARK: Recording

    mutating func skip(_ subject: String, reason: String, lines: [Int]) {
        skipped.append(SkippedIdentity(tableID: tableID, tableIndex: tableIndex, subject: subject,
                                       reason: reason, lines: lines))
    }

    /// What checking one stated cell against its parts gave.
    enum Outcome {
        case identity(Identity)
        /// The stated cell holds text: the identity does not apply to it.
        case statedIsText
        /// The stated cell and every part are empty: nothing is stated.
        case nothingStated
    }

    /// Checks the cell at `stated` against the sum of `parts` (each a cell and what it is called).
    func evaluate(_ kind: IdentityKind, subject: String, stated: CellPosition,
                  parts: [(position: CellPosition, label: String)]) -> Outcome {
        let statedAmount = amount(stated)
        if statedAmount.isText { return .statedIsText }
        var identityParts: [IdentityPart] = []
        var textPart: (label: String, line: Int?, text: String)?
        var anyPartNumber = false
        for part in parts {
            let value = amount(part.position)
            if case .text(let text) = value, textPart == nil {
                textPart = (part.label, line(ofRow: part.position.row), text)
            }
            if value.number != nil { anyPartNumber = true }
            identityParts.append(IdentityPart(position: part.position, line: line(ofRow: part.position.row),
                                              label: part.label, value: value.number))
        }
        var identity = Identity(tableID: tableID, tableIndex: tableIndex, kind: kind, subject: subject,
                                status: .held, statedCell: stated, line: line(ofRow: stated.row),
                                stated: statedAmount.number, sum: nil, difference: nil, parts: identityParts)
        if let textPart {
            let place = textPart.line.map { " (line \($0))" } ?? ""
            identity.status = .unverified(reason: "part \(textPart.label)\(place) holds text “\(textPart.text)”, not an amount")
            return .identity(identity)
        }
        guard let statedValue = statedAmount.number else {
            guard anyPartNumber else { return .nothingStated }
            identity.status = .unverified(reason: "the total is empty while its parts hold amounts")
            return .identity(identity)
        }
        if parts.isEmpty {
            identity.status = .unverified(reason: "there is nothing above it to add up")
            return .identity(identity)
        }
        var total = ExactSum()
        for part in identityParts {
            if let value = part.value { total.add(value) }
        }
        let sum = total.decimal
        let scale = max(statedValue.scale, total.scale)
        let difference = sum - statedValue.decimal
        identity.sum = ExactDecimal(sum, scale: scale)
        identity.difference = ExactDecimal(difference, scale: scale)
        identity.status = abs(difference) <= tolerance ? .held : .failed
        return .identity(identity)
    }

    /// Records the outcome; returns the row of a stated cell that held text, for the caller to
    /// report as not checked.
    @discardableResult
    mutating func record(_ outcome: Outcome, stated: CellPosition) -> Int? {
        switch outcome {
        case .identity(let identity):
            identities.append(identity)
            return nil
        case .statedIsText:
            return stated.row
        case .nothingStated:
            return nil
        }
    }
}
