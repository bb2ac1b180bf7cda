import TableModel

/// The header tree rebuilt from the columns' paths: a group per label shared by adjacent
/// columns at the same level, a leaf per column.
struct ColumnTree {
    struct Node {
        var label: String
        /// The column of a leaf; nil for a group (and the root).
        var column: Int?
        var children: [Int] = []
    }

    private(set) var nodes: [Node] = [Node(label: "", column: nil)]
    static let root = 0

    init(columns: [Column]) {
        for (index, column) in columns.enumerated() {
            var path: [String] = []
            for label in column.path where !Labels.normalized(label).isEmpty && path.last != label {
                path.append(label)
            }
            if path.isEmpty { path = [column.name] }
            var current = ColumnTree.root
            for (depth, label) in path.enumerated() {
                let isLeaf = depth == path.count - 1
                if !isLeaf, let last = nodes[current].children.last,
                   nodes[last].column == nil, nodes[last].label == label {
                    current = last
                    continue
                }
                nodes.append(Node(label: label, column: isLeaf ? index : nil))
                nodes[current].children.append(nodes.count - 1)
                current = nodes.count - 1
            }
        }
    }
}

extension TableChecker {
    /// What a column or a group of columns is, seen by its parent.
    private enum Role {
        /// A text column: labels, not amounts.
        case label
        /// A column that states the sum of its siblings.
        case total(column: Int)
        /// `其中`, `扣除…后`: a subset of another column.
        case ofWhich
        /// A rate, share or change.
        case comparison
        /// An addend.
        case part
    }

    private func role(of node: ColumnTree.Node) -> Role {
        if let column = node.column, !isAmountColumn(column) { return .label }
        if Labels.isOfWhich(node.label) { return .ofWhich }
        if Labels.isComparison(node.label) { return .comparison }
        if let column = node.column, Labels.isTotalColumn(node.label) { return .total(column: column) }
        return .part
    }

    /// The columns whose sum a node stands for: a leaf itself, a group its total column, or the
    /// parts of a group without one. A reason when the group cannot be summed.
    private func columnsSummed(by index: Int, in tree: ColumnTree) -> Result<[Int], SumFailure> {
        let node = tree.nodes[index]
        if let column = node.column {
            return .success(isAmountColumn(column) ? [column] : [])
        }
        let roles = node.children.map { role(of: tree.nodes[$0]) }
        let totals = roles.compactMap { if case .total(let column) = $0 { return column } else { return nil } }
        if totals.count == 1 { return .success(totals) }
        if totals.count > 1 { return .failure(SumFailure(reason: "group \(node.label) has several total columns")) }
        var columns: [Int] = []
        for (child, role) in zip(node.children, roles) {
            switch role {
            case .label: continue
            case .ofWhich, .comparison:
                return .failure(SumFailure(reason: "group \(node.label) has no total column and holds columns that are not addends (\(tree.nodes[child].label))"))
            case .total, .part:
                switch columnsSummed(by: child, in: tree) {
                case .success(let more): columns += more
                case .failure(let failure): return .failure(failure)
                }
            }
        }
        return .success(columns)
    }

    private struct SumFailure: Error {
        var reason: String
    }

    /// Row totals: every total column against its sibling columns, in every row.
    mutating func checkColumns() {
        let tree = ColumnTree(columns: table.head.columns)
        deriveRowTotals(under: ColumnTree.root, in: tree)
    }

    /// Derives the row totals a group states, then those of its subgroups. A total's addends are
    /// its siblings in the same unbroken run of amount columns: a label column ends the run (the
    /// amounts of a project table's indicator columns are not parts of its 项目总额).
    private mutating func deriveRowTotals(under index: Int, in tree: ColumnTree) {
        let node = tree.nodes[index]
        let children = node.children.map { (index: $0, node: tree.nodes[$0]) }
        let roles = children.map { role(of: $0.node) }
        defer {
            for child in children where child.node.column == nil { deriveRowTotals(under: child.index, in: tree) }
        }
        var runStart = 0
        while runStart < children.count {
            if case .label = roles[runStart] {
                runStart += 1
                continue
            }
            var runEnd = runStart
            while runEnd + 1 < children.count {
                if case .label = roles[runEnd + 1] { break }
                runEnd += 1
            }
            deriveRowTotal(among: Array(Array(zip(children, roles))[runStart...runEnd]), groupLabel: node.label, in: tree)
            runStart = runEnd + 1
        }
    }

    /// The row total stated by a run of sibling columns, if one of them is a total column.
    private mutating func deriveRowTotal(among siblings: [((index: Int, node: ColumnTree.Node), Role)],
                                         groupLabel: String, in tree: ColumnTree) {
        let totals = siblings.compactMap { _, role -> (name: String, column: Int)? in
            if case .total(let column) = role { return (columnName(column), column) }
            return nil
        }
        guard let total = totals.first else { return }
        guard totals.count == 1 else {
            let place = groupLabel.isEmpty ? "side by side" : "under \(groupLabel)"
            skip(totals.map(\.name).joined(separator: ", "),
                 reason: "several total columns \(place): which sums which is not stated", lines: [])
            return
        }
        if let comparison = siblings.first(where: { if case .comparison = $0.1 { return true } else { return false } }) {
            skip(total.name, reason: "its sibling \(comparison.0.node.label) is a rate or a change: the group states a comparison, not a sum",
                 lines: [])
            return
        }
        var partColumns: [Int] = []
        var ofWhich: [String] = []
        for (child, role) in siblings {
            switch role {
            case .label, .total, .comparison: continue
            case .ofWhich: ofWhich.append(child.node.label)
            case .part:
                switch columnsSummed(by: child.index, in: tree) {
                case .success(let columns): partColumns += columns
                case .failure(let failure):
                    skip(total.name, reason: failure.reason, lines: [])
                    return
                }
            }
        }
        guard !partColumns.isEmpty else {
            let reason = ofWhich.isEmpty
                ? "it has no sibling amount columns to add up"
                : "its sibling columns (\(ofWhich.joined(separator: ", "))) are “of which” subsets, not addends"
            skip(total.name, reason: reason, lines: [])
            return
        }
        checkRowTotal(column: total.column, parts: partColumns)
    }

    /// Checks `column` = Σ `parts` in every row.
    private mutating func checkRowTotal(column: Int, parts: [Int]) {
        let partNames = parts.map(columnName)
        let formula = partNames.count <= 4
            ? partNames.joined(separator: " + ")
            : "sum of \(partNames.count) columns (\(partNames[0]) … \(partNames[partNames.count - 1]))"
        let firstAmount = (0..<columnCount).first(where: isAmountColumn) ?? columnCount
        let labelColumns = Array(0..<firstAmount)
        var textRows: [Int] = []
        var count = 0
        for row in table.rows.indices {
            let stated = CellPosition(row: row, column: column)
            let rowLabel = label(ofRow: row, columns: labelColumns)
            let place = Labels.normalized(rowLabel).isEmpty ? "" : " (\(rowLabel))"
            let subject = "\(columnName(column)) = \(formula)\(place)"
            let outcome = evaluate(.rowTotal, subject: subject, stated: stated,
                                   parts: parts.map { (CellPosition(row: row, column: $0), columnName($0)) })
            if case .identity = outcome { count += 1 }
            if let textRow = record(outcome, stated: stated), let line = line(ofRow: textRow) {
                textRows.append(line)
            }
        }
        if !textRows.isEmpty {
            skip("\(columnName(column)) = \(formula)", reason: "rows where \(columnName(column)) holds text", lines: textRows)
        }
        if count == 0 && textRows.isEmpty {
            skip("\(columnName(column)) = \(formula)", reason: "no row holds amounts in these columns", lines: [])
        }
    }
}
