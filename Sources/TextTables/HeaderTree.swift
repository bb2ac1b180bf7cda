import TableModel

// The header tree: labels of the header rows with their spans, and the column paths.
//
// Top-down, row by row: a label spans right over the empty cells after it, but not past the
// end of its parent (the label above that covers its column). Extraction centres a spanning
// label over its group, so the text may put it a cell or two away from where the group begins.
// So each boundary between sibling groups is tried up to two columns either way and scored:
// a group that opens (first column of the level below) with a 小计/合计/总数/Total column scores,
// and so does one whose opening column equals the sum of its other parts in the data rows
// (224.301157 = 217.301157 + 7.000000); a group whose sums fail loses. The text's position
// wins ties. Then every label spans down over the empty cells below it.

/// One label of the header tree.
struct HeaderLabel: Hashable {
    var text: String
    var row: Int
    /// Where the text put it (the column may move to where its group begins).
    var sourceColumn: Int
    var column: Int
    var columnSpan: Int
    var rowSpan: Int = 1

    var end: Int { column + columnSpan }
    func covers(_ column: Int) -> Bool { column >= self.column && column < end }
}

/// A body cell as the header's sum checks see it: an amount as an integer count of units of
/// its last digit, so that sums are exact without `Decimal` (amounts past 18 digits: no check).
enum ArithmeticValue: Equatable {
    case empty
    case number(significand: Int64, scale: Int)
    case other

    init(_ text: String) { self.init(text, isNumber: CellLabels.isNumber(text)) }

    /// The value of `text`; `isNumber` is `CellLabels.isNumber(text)`.
    init(_ text: String, isNumber: Bool) {
        if text.isEmpty { self = .empty; return }
        guard isNumber, let value = ExactDecimal(text), value.text.utf8.count <= 19 else {
            self = .other
            return
        }
        var significand: Int64 = 0
        for byte in value.text.utf8 where byte >= 0x30 && byte <= 0x39 {
            significand = significand * 10 + Int64(byte - 0x30)
        }
        self = .number(significand: value.isNegative ? -significand : significand, scale: value.scale)
    }

    /// The value with its sign changed.
    var negated: ArithmeticValue {
        if case .number(let significand, let scale) = self { return .number(significand: -significand, scale: scale) }
        return self
    }

    /// Exact sums of values at different scales; `nil` when a value is not a number or the sum
    /// would overflow.
    static func sum(_ values: [ArithmeticValue]) -> (significand: Int64, scale: Int)? {
        var scale = 0
        for case .number(_, let valueScale) in values { scale = max(scale, valueScale) }
        var total: Int64 = 0
        for value in values {
            switch value {
            case .empty: continue
            case .other: return nil
            case .number(let significand, let valueScale):
                var scaled = significand
                for _ in valueScale..<scale {
                    let (product, overflow) = scaled.multipliedReportingOverflow(by: 10)
                    if overflow { return nil }
                    scaled = product
                }
                let (sum, overflow) = total.addingReportingOverflow(scaled)
                if overflow { return nil }
                total = sum
            }
        }
        return (total, scale)
    }
}

/// A group boundary the builder moved, for the table's repairs.
struct HeaderMove {
    var row: Int
    var label: String
    var fromColumn: Int
    var toColumn: Int
    var reason: String
}

struct HeaderTreeBuilder {
    /// Header rows (cleaned), each `columnCount` cells.
    let rows: [[String]]
    let columnCount: Int
    /// Body rows (their cells' `CellFacts` numbers), for the sum checks.
    let body: [[Int]]
    /// Whether group bounds may move away from where the text put the labels.
    let adjustsGroups: Bool
    /// The body cells' values (the document's, shared by its tables).
    let facts: CellFacts

    /// The labels, row by row, and the moves made.
    func build() -> (labels: [[HeaderLabel]], moves: [HeaderMove]) {
        var placed: [[HeaderLabel]] = []
        var moves: [HeaderMove] = []
        for row in rows.indices {
            var labels: [HeaderLabel] = []
            let starts = rows[row].indices.filter { !rows[row][$0].isEmpty }
            for (position, start) in starts.enumerated() {
                let parent = parentRange(of: start, above: row, in: placed)
                let nextStart = position + 1 < starts.count ? starts[position + 1] : columnCount
                let end = min(nextStart, parent.upperBound)
                labels.append(HeaderLabel(text: rows[row][start], row: row, sourceColumn: start, column: start, columnSpan: max(1, end - start)))
            }
            if adjustsGroups && row + 1 < rows.count {
                moves += adjustGroupBounds(&labels, row: row, placed: placed)
            }
            placed.append(labels)
        }
        // Span down over empty cells.
        for row in placed.indices {
            for index in placed[row].indices {
                let label = placed[row][index]
                var span = 1
                while row + span < placed.count,
                      !placed[row + span].contains(where: { $0.column < label.end && $0.end > label.column }) {
                    span += 1
                }
                placed[row][index].rowSpan = span
            }
        }
        return (placed, moves)
    }

    /// The column range of the lowest label above `row` covering `column`, or the whole width.
    private func parentRange(of column: Int, above row: Int, in placed: [[HeaderLabel]]) -> Range<Int> {
        for upper in stride(from: row - 1, through: 0, by: -1) {
            if let parent = placed[upper].first(where: { $0.covers(column) }) { return parent.column..<parent.end }
        }
        return 0..<columnCount
    }

    /// Moves boundaries between sibling labels of `row` to where the level below and the data
    /// say the groups begin.
    private func adjustGroupBounds(_ labels: inout [HeaderLabel], row: Int, placed: [[HeaderLabel]]) -> [HeaderMove] {
        var moves: [HeaderMove] = []
        for index in labels.indices {
            let parent = parentRange(of: labels[index].column, above: row, in: placed)
            let hasLeftSibling = index > 0 && parent.contains(labels[index - 1].column)
            let lowest = hasLeftSibling ? labels[index - 1].column + 1 : parent.lowerBound
            let current = labels[index].column
            let end = labels[index].end
            let candidates = max(lowest, current - 2)...max(max(lowest, current - 2), min(end - 1, current + 2))
            guard candidates.count > 1 else { continue }
            let leftStart = hasLeftSibling ? labels[index - 1].column : nil
            var best = current
            var bestScore = Int.min
            var bestReason = ""
            for candidate in candidates {
                let (leftScore, _) = leftStart.map { groupScore($0..<candidate, row: row) } ?? (0, "")
                let (rightScore, reason) = groupScore(candidate..<end, row: row)
                let score = leftScore + rightScore
                if score > bestScore || (score == bestScore && candidate == current) {
                    best = candidate
                    bestScore = score
                    bestReason = reason
                }
            }
            guard best != current else { continue }
            moves.append(HeaderMove(row: row, label: labels[index].text, fromColumn: current, toColumn: best, reason: bestReason))
            labels[index].column = best
            labels[index].columnSpan = end - best
            if hasLeftSibling { labels[index - 1].columnSpan = best - labels[index - 1].column }
        }
        return moves
    }

    /// How well `group` (columns of a label on `row`) fits: +1 when the level below opens it with
    /// a summing column, ±1 when the data's sums agree or fail.
    private func groupScore(_ group: Range<Int>, row: Int) -> (Int, String) {
        guard group.count >= 2 else { return (0, "") }
        let below = rows[row + 1]
        guard CellLabels.isGroupOpening(below[group.lowerBound]) else { return (0, "") }
        var reason = "its group opens with \"\(below[group.lowerBound])\""
        // The parts: labels of the level below inside the group; a part that is itself a group
        // counts through its own opening column, one that is not is unknown (no sum check).
        let partStarts = group.dropFirst().filter { !below[$0].isEmpty }
        var parts: [Int] = []
        for (position, start) in partStarts.enumerated() {
            guard row + 2 < rows.count else { parts.append(start); continue }
            let partEnd = position + 1 < partStarts.count ? partStarts[position + 1] : group.upperBound
            let grandchildren = (start..<partEnd).filter { !rows[row + 2][$0].isEmpty }
            if grandchildren.isEmpty {
                parts.append(start)
            } else if CellLabels.isGroupOpening(rows[row + 2][start]) {
                parts.append(start)
            } else {
                return (1, reason)
            }
        }
        guard !parts.isEmpty else { return (1, reason) }
        var agree = 0
        var disagree = 0
        // The total and the parts negated, row by row (one buffer for all rows).
        var values: [ArithmeticValue] = []
        values.reserveCapacity(parts.count + 1)
        for cells in body where group.upperBound <= cells.count {
            values.removeAll(keepingCapacity: true)
            values.append(facts[cells[group.lowerBound]].arithmetic)
            for part in parts { values.append(facts[cells[part]].arithmetic.negated) }
            guard values.contains(where: { $0 != .empty }),
                  let difference = ArithmeticValue.sum(values) else { continue }
            if difference.significand == 0 { agree += 1 } else { disagree += 1 }
        }
        if agree > 0 && disagree == 0 {
            reason += " and it sums its parts in every row"
            return (2, reason)
        }
        return (disagree > agree ? 0 : 1, reason)
    }
}
