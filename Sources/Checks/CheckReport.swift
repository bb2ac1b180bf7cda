import Foundation
import JSONFormat
import TableModel

/// A cell of a table: the index of its row in `Table.rows` and of its column.
public struct CellPosition: Hashable, Sendable {
    /// The index of the row in `Table.rows` (not the source line).
    public var row: Int
    /// The index of the column in `TableHead.columns`.
    public var column: Int

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

}

/// One addend of an identity.
public struct IdentityPart: Hashable, Sendable {
    /// The cell of the addend.
    public var position: CellPosition
    /// The source line of the addend's row.
    public var line: Int?
    /// What the addend is: its row label (column totals) or its column name (row totals).
    public var label: String
    /// The amount; nil when the cell is empty (counted as zero).
    public var value: ExactDecimal?
}

/// What kind of statement a table makes that an identity checks.
public enum IdentityKind: String, Hashable, Sendable, CaseIterable {
    /// A total or subtotal row equals the sum of the rows it closes, in one column.
    case columnTotal = "column-total"
    /// A total column equals the sum of its sibling columns under the same header, in one row.
    case rowTotal = "row-total"
    /// A line equals the sum of the sub-lines listed under it (`上年结转结余` and its `一、…`
    /// lines, a code and the codes it prefixes).
    case breakdown
    /// Two totals that must be equal (`收入总计` = `支出总计`).
    case balance
}

/// The outcome of checking one identity.
public enum IdentityStatus: Hashable, Sendable {
    /// The stated value equals the sum (within the tolerance).
    case held
    /// The stated value differs from the sum by more than the tolerance.
    case failed
    /// The identity is stated but cannot be verified; the reason says why.
    case unverified(reason: String)

    /// `held`, `failed` or `unverified`.
    public var name: String {
        switch self {
        case .held: return "held"
        case .failed: return "failed"
        case .unverified: return "unverified"
        }
    }
}

/// One accounting identity a table states, and whether its numbers bear it out.
public struct Identity: Hashable, Sendable {
    /// The id of the table (`预算03表`).
    public var tableID: String
    /// The index of the table in the document.
    public var tableIndex: Int
    /// Which kind of statement the identity checks.
    public var kind: IdentityKind
    /// What is stated, without the table id: `合计 column 基本支出`,
    /// `预算数/合计 = 预算数/基本支出/小计 + 预算数/项目支出/项目支出总数 (2010350 事业运行)`.
    public var subject: String
    /// Held, failed, or unverified with the reason.
    public var status: IdentityStatus
    /// The cell that states the total.
    public var statedCell: CellPosition
    /// The source line of the stated value.
    public var line: Int?
    /// The stated value; nil when its cell is empty.
    public var stated: ExactDecimal?
    /// The sum of the parts, at the larger of the stated value's and the parts' scales.
    public var sum: ExactDecimal?
    /// `sum − stated`, at the same scale; nil when either is missing.
    public var difference: ExactDecimal?
    /// The addends, in table order; empty cells are parts with no value.
    public var parts: [IdentityPart]

    /// `预算03表 合计 column 合计 (line 84)`.
    public var description: String {
        var text = [tableID, subject].filter { !$0.isEmpty }.joined(separator: " ")
        if let line { text += " (line \(line))" }
        return text
    }

    /// True when `position` is the stated cell or one of the parts.
    public func involves(_ position: CellPosition) -> Bool {
        statedCell == position || parts.contains { $0.position == position }
    }
}

/// An identity that could not be derived or has nothing to check, and why.
public struct SkippedIdentity: Hashable, Sendable {
    /// The id of the table (`预算05表`).
    public var tableID: String
    /// The index of the table in the document.
    public var tableIndex: Int
    /// What was not checked (`项目支出/项目支出总数`, `rows whose 合计 holds text`).
    public var subject: String
    /// Why it was not checked.
    public var reason: String
    /// The source lines concerned, when there are any.
    public var lines: [Int]
}

/// Everything `Checks.run` found: every identity with its status, and what was not checked.
public struct CheckReport: Hashable, Sendable {
    /// The tolerance the identities were checked with.
    public var tolerance: ExactDecimal
    /// Every identity derived, table by table, in the order of the rows that state them.
    public var identities: [Identity]
    /// What could not be derived or had nothing to check, with the reasons.
    public var skipped: [SkippedIdentity]

    /// A report of the given identities and skipped entries.
    public init(tolerance: ExactDecimal, identities: [Identity] = [], skipped: [SkippedIdentity] = []) {
        self.tolerance = tolerance
        self.identities = identities
        self.skipped = skipped
    }

    /// Identities that held or failed (unverified ones are not counted as checked).
    public var checkedCount: Int { identities.filter { $0.status == .held || $0.status == .failed }.count }
    /// The identities whose stated value differs from the sum.
    public var failed: [Identity] { identities.filter { $0.status == .failed } }
    /// The identities stated but not verifiable (an empty total, text among the parts).
    public var unverified: [Identity] {
        identities.filter { if case .unverified = $0.status { return true } else { return false } }
    }
    /// True when any identity failed: `tabconv check` then exits 1.
    public var hasFailures: Bool { identities.contains { $0.status == .failed } }
    /// The number of tables with at least one checked identity.
    public var checkedTableCount: Int {
        Set(identities.filter { $0.status == .held || $0.status == .failed }.map(\.tableIndex)).count
    }

    /// Checked identities per table, in document order: `[("预算01表", 5), …]`.
    public var checkedCountsByTable: [(tableID: String, count: Int)] {
        var counts: [(tableIndex: Int, tableID: String, count: Int)] = []
        for identity in identities where identity.status == .held || identity.status == .failed {
            if let last = counts.last, last.tableIndex == identity.tableIndex {
                counts[counts.count - 1].count += 1
            } else {
                counts.append((identity.tableIndex, identity.tableID, 1))
            }
        }
        return counts.map { ($0.tableID, $0.count) }
    }

    /// The report for people: one line per failed or unverified identity
    /// (`budget.txt:84: 预算03表 合计 column 合计: stated 10,110.053787, sum 10,110.053788 (difference 0.000001)`),
    /// one per identity not checked, then `N identities checked in T tables, M failed`.
    public func renderText(file: String) -> String {
        var lines: [String] = []
        func place(_ line: Int?) -> String { line.map { "\(file):\($0): " } ?? "\(file): " }
        for identity in identities {
            let title = Self.title(identity.tableID, identity.subject)
            switch identity.status {
            case .held:
                continue
            case .failed:
                let stated = identity.stated?.groupedText ?? "empty"
                let sum = identity.sum?.groupedText ?? "empty"
                let difference = identity.difference?.groupedText ?? "?"
                lines.append(place(identity.line) + "\(title): stated \(stated), sum \(sum) (difference \(difference))")
            case .unverified(let reason):
                lines.append(place(identity.line) + "\(title): unverified: \(reason)")
            }
        }
        for skipped in skipped {
            let title = Self.title(skipped.tableID, skipped.subject)
            lines.append(place(skipped.lines.first) + "\(title): not checked: \(skipped.reason)")
        }
        let tables = checkedTableCount
        var summary = "\(checkedCount) \(checkedCount == 1 ? "identity" : "identities") checked in \(tables) "
            + "\(tables == 1 ? "table" : "tables"), \(failed.count) failed"
        if !unverified.isEmpty { summary += ", \(unverified.count) unverified" }
        if !skipped.isEmpty { summary += ", \(skipped.count) not checked" }
        if tolerance.decimal != 0 { summary += " (tolerance \(tolerance.text))" }
        lines.append(summary)
        return lines.joined(separator: "\n") + "\n"
    }

    private static func title(_ tableID: String, _ subject: String) -> String {
        [tableID, subject].filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The report as data: a JSON object with the summary, every identity (status, stated value,
    /// sum, difference, lines and parts as exact number literals) and the identities not checked.
    public func renderJSON() -> String {
        var json = JSONText()
        json.raw("{\"tabconvCheck\": 1, \"tolerance\": ")
        json.number(tolerance)
        json.raw(",\n \"summary\": {\"checked\": \(checkedCount), \"tables\": \(checkedTableCount), ")
        json.raw("\"failed\": \(failed.count), \"unverified\": \(unverified.count), \"notChecked\": \(skipped.count), ")
        json.raw("\"perTable\": [")
        for (index, entry) in checkedCountsByTable.enumerated() {
            json.raw(index == 0 ? "" : ", ")
            json.raw("{\"table\": ")
            json.string(entry.tableID)
            json.raw(", \"checked\": \(entry.count)}")
        }
        json.raw("]},\n \"identities\": [")
        for (index, identity) in identities.enumerated() {
            json.raw(index == 0 ? "\n  " : ",\n  ")
            json.raw("{\"table\": ")
            json.string(identity.tableID)
            json.raw(", \"kind\": ")
            json.string(identity.kind.rawValue)
            json.raw(", \"status\": ")
            json.string(identity.status.name)
            if case .unverified(let reason) = identity.status {
                json.raw(", \"reason\": ")
                json.string(reason)
            }
            json.raw(", \"subject\": ")
            json.string(identity.subject)
            json.raw(", \"line\": ")
            json.line(identity.line)
            json.raw(", \"row\": \(identity.statedCell.row), \"column\": \(identity.statedCell.column)")
            json.raw(", \"stated\": ")
            json.optionalNumber(identity.stated)
            json.raw(", \"sum\": ")
            json.optionalNumber(identity.sum)
            json.raw(", \"difference\": ")
            json.optionalNumber(identity.difference)
            json.raw(", \"parts\": [")
            for (partIndex, part) in identity.parts.enumerated() {
                json.raw(partIndex == 0 ? "" : ", ")
                json.raw("{\"line\": ")
                json.line(part.line)
                json.raw(", \"row\": \(part.position.row), \"column\": \(part.position.column), \"label\": ")
                json.string(part.label)
                json.raw(", \"value\": ")
                json.optionalNumber(part.value)
                json.raw("}")
            }
            json.raw("]}")
        }
        json.raw(identities.isEmpty ? "],\n \"notChecked\": [" : "\n ],\n \"notChecked\": [")
        for (index, skipped) in skipped.enumerated() {
            json.raw(index == 0 ? "\n  " : ",\n  ")
            json.raw("{\"table\": ")
            json.string(skipped.tableID)
            json.raw(", \"subject\": ")
            json.string(skipped.subject)
            json.raw(", \"reason\": ")
            json.string(skipped.reason)
            json.raw(", \"lines\": [" + skipped.lines.map(String.init).joined(separator: ", ") + "]}")
        }
        json.raw(skipped.isEmpty ? "]}\n" : "\n ]}\n")
        return json.finish()
    }
}

/// Builds the JSON report in JSONFormat's byte buffer, with its string escaping and exact
/// number literals.
private struct JSONText {
    private var buffer = RawByteBuffer(capacity: 1 << 14)

    /// The JSON built, as text; frees the buffer.
    mutating func finish() -> String {
        let result = String(decoding: buffer.bytes, as: UTF8.self)
        buffer.deallocate()
        return result
    }

    mutating func raw(_ fragment: String) { buffer.append(string: fragment) }

    mutating func number(_ value: ExactDecimal) { buffer.appendNumber(value, asString: false) }

    mutating func optionalNumber(_ value: ExactDecimal?) {
        if let value { number(value) } else { buffer.appendNull() }
    }

    mutating func line(_ line: Int?) { buffer.appendInteger(line) }

    mutating func string(_ value: String) { buffer.appendString(value) }
}
