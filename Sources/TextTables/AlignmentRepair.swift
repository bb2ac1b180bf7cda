import Foundation
import TableModel

// Row alignment repair: put back the empty cells that extraction lost.
//
// A PDF text extractor drops empty cells: the leading ones of a row that starts a page (the row
// then begins at column 0 and is padded with empty cells at its end), or one in the middle of a
// row (everything after it moves one column left). Cells are never invented, so a row is only
// ever repaired by inserting k empty cells at one place and dropping k empty cells at its end.
//
// Each column gets a profile from the table's data rows: how often it is empty, the shapes of
// its values (amount, code-name, mark such as `≥` or `%`, short, medium or long text) and, when
// few distinct short values repeat (`产出指标`/`效益指标`/…, `≥`/`≤`/`=`/`定性`, units), that closed
// set. A placement's fit is the sum of its cells' log-likelihoods under the profiles; a row is
// moved when the best placement beats the row as read by a clear margin. Profiles are learnt
// from all rows, then again with the repairs applied, until the repairs no longer change.

/// What a cell looks like, for column profiles.
enum CellShape: Int, CaseIterable {
    case empty, number, codeName, mark, shortText, mediumText, longText

    /// The shape of `text`; `isNumber` is `CellLabels.isNumber(text)`.
    init(_ text: String, isNumber: Bool) {
        if text.isEmpty { self = .empty; return }
        if isNumber { self = .number; return }
        if CellLabels.codeName(text) != nil { self = .codeName; return }
        var length = 0
        var hasWordCharacter = false
        for scalar in text.unicodeScalars {
            length += 1
            // Letters, digits and ideographs (marks such as `≥`, `%`, `=` are none of them).
            let value = scalar.value
            if (value >= 0x30 && value <= 0x39) || (value | 0x20 >= 0x61 && value | 0x20 <= 0x7A) || value >= 0x2E80
                || (value >= 0xC0 && value < 0x2000) {
                hasWordCharacter = true
            }
            if length > 40 { break }
        }
        if length <= 2 && !hasWordCharacter { self = .mark }
        else if length <= 12 { self = .shortText }
        else if length <= 40 { self = .mediumText }
        else { self = .longText }
    }

    /// Shapes whose values make a closed set when they repeat, and whose column a value keeps.
    var isSetMember: Bool { self == .mark || self == .shortText }
}

/// A row realigned by inserting `count` empty cells before cell `position`.
struct Realignment: Hashable {
    var position: Int
    var count: Int
}

/// Counts by non-negative integer key (open addressing on a multiplicative hash): the profiles
/// count values per column in their innermost loops, where a `Dictionary` would hash each key
/// with SipHash.
struct CountTable {
    private var keys = [Int](repeating: -1, count: 64)
    private var counts = [Int](repeating: 0, count: 64)
    private var used = 0

    /// The count of `key` (0 when never added).
    subscript(key: Int) -> Int {
        var slot = slot(of: key)
        while keys[slot] != -1 {
            if keys[slot] == key { return counts[slot] }
            slot = (slot + 1) & (keys.count - 1)
        }
        return 0
    }

    /// Adds one to the count of `key`; returns the new count.
    @discardableResult
    mutating func increment(_ key: Int) -> Int {
        var slot = slot(of: key)
        while keys[slot] != -1 {
            if keys[slot] == key {
                counts[slot] += 1
                return counts[slot]
            }
            slot = (slot + 1) & (keys.count - 1)
        }
        keys[slot] = key
        counts[slot] = 1
        used += 1
        if used * 2 > keys.count { grow() }
        return 1
    }

    private func slot(of key: Int) -> Int {
        Int(truncatingIfNeeded: (UInt64(truncatingIfNeeded: key) &* 0x9E37_79B9_7F4A_7C15) >> 20) & (keys.count - 1)
    }

    private mutating func grow() {
        let (oldKeys, oldCounts) = (keys, counts)
        keys = [Int](repeating: -1, count: oldKeys.count * 2)
        counts = [Int](repeating: 0, count: oldKeys.count * 2)
        for (key, count) in zip(oldKeys, oldCounts) where key != -1 {
            var slot = slot(of: key)
            while keys[slot] != -1 { slot = (slot + 1) & (keys.count - 1) }
            keys[slot] = key
            counts[slot] = count
        }
    }
}

/// The statistics of a table's columns, learnt from its eligible rows as placed: the shapes in
/// each column and where each repeated short value (`定性`, `社会效益指标`, `%`) stands.
struct ColumnProfiles {
    private static let shapeCount = CellShape.allCases.count
    let columnCount: Int
    /// By `column * shapeCount + shape`: the score of each shape, and the same with one cell of
    /// that shape left out (a row is judged by the other rows).
    private var shapeScores: [Double]
    private var shapeScoresLeavingOneOut: [Double]
    /// By column: whether its short values form a closed set, and the score of a value new to it.
    private var isClosed: [Bool]
    private var novelValueScore: [Double]
    /// Set members counted by `value * columnCount + column`, and by value in all columns.
    private var valueCounts = CountTable()
    private var valueTotals = CountTable()

    init(_ placed: [AlignmentRepairer.ShapedRow], eligible: [Bool], columnCount: Int) {
        self.columnCount = columnCount
        let shapeCount = Self.shapeCount
        var shapeCounts = [Int](repeating: 0, count: columnCount * shapeCount)
        var setMembers = [Int](repeating: 0, count: columnCount)
        var distinct = [Int](repeating: 0, count: columnCount)
        for index in placed.indices where eligible[index] {
            let row = placed[index]
            for column in 0..<columnCount {
                let shape = row.shapes[column]
                shapeCounts[column * shapeCount + shape.rawValue] += 1
                guard shape.isSetMember else { continue }
                setMembers[column] += 1
                if valueCounts.increment(row.values[column] * columnCount + column) == 1 { distinct[column] += 1 }
                valueTotals.increment(row.values[column])
            }
        }
        shapeScores = []
        shapeScoresLeavingOneOut = [Double](repeating: 0, count: columnCount * shapeCount)
        isClosed = []
        novelValueScore = []
        for column in 0..<columnCount {
            let counts = shapeCounts[(column * shapeCount)..<((column + 1) * shapeCount)]
            let rows = counts.reduce(0, +)
            for shape in 0..<shapeCount {
                let count = counts[column * shapeCount + shape]
                shapeScores.append(Self.score(count, isEmpty: shape == 0, rows: rows, empty: counts[column * shapeCount]))
                if count > 0 {
                    shapeScoresLeavingOneOut[column * shapeCount + shape] = Self.score(
                        count - 1, isEmpty: shape == 0, rows: rows - 1, empty: counts[column * shapeCount] - (shape == 0 ? 1 : 0))
                }
            }
            isClosed.append(setMembers[column] >= 6 && distinct[column] * 3 <= setMembers[column])
            novelValueScore.append(log(Double(distinct[column] + 1) / Double(setMembers[column] + distinct[column] + 1)))
        }
    }

    /// The score of a shape seen `count` times in a column of `rows` cells, `empty` of them empty.
    private static func score(_ count: Int, isEmpty: Bool, rows: Int, empty: Int) -> Double {
        let emptyShare = (Double(empty) + 0.5) / (Double(rows) + 1)
        if isEmpty { return log(emptyShare) }
        return log(1 - emptyShare) + log((Double(count) + 0.2) / (Double(rows) - Double(empty) + 1.2))
    }

    /// The log-likelihood of a cell in `column`, judged without `own`, the cell this row put
    /// into the profile there.
    func score(_ value: Int, _ shape: CellShape, in column: Int, own: (value: Int, shape: CellShape)) -> Double {
        let isOwn = own.shape == shape
        let index = column * Self.shapeCount + shape.rawValue
        var score = isOwn ? shapeScoresLeavingOneOut[index] : shapeScores[index]
        if isClosed[column] && shape.isSetMember {
            let count = valueCounts[value * columnCount + column] - (isOwn && own.value == value ? 1 : 0)
            if count <= 0 { score += novelValueScore[column] }
        }
        return score
    }

    /// log P(column | value) from the other rows, when the value is seen at least three times
    /// elsewhere; 0 otherwise.
    func affinity(_ value: Int, in column: Int, ownColumn: Int?) -> Double {
        let elsewhere = valueTotals[value] - (ownColumn == nil ? 0 : 1)
        guard elsewhere >= 3 else { return 0 }
        let here = valueCounts[value * columnCount + column] - (ownColumn == column ? 1 : 0)
        return log((Double(here) + 0.5) / (Double(elsewhere) + 0.5 * Double(columnCount)))
    }
}

struct AlignmentRepairer {
    /// Data rows (their cleaned cells' numbers in `facts`), each `columnCount` cells.
    let rows: [[Int]]
    /// Rows that may be moved and that teach the profiles (data rows, not totals).
    let eligible: [Bool]
    let columnCount: Int
    /// The cells' numbers and shapes (the document's, shared by its tables).
    let facts: CellFacts
    /// How much better (in log-likelihood) a placement must fit than the row as read, in all
    /// and in its filled cells alone.
    var margin = 4.0
    /// Fewer rows than this teach nothing reliable: no repairs.
    var minimumRows = 8
    /// Wider tables are not searched (the search grows with the square of the width).
    var maximumColumns = 200

    /// A row as the profiles see it.
    struct ShapedRow {
        var values: [Int]
        var shapes: [CellShape]

        func applying(_ realignment: Realignment?) -> ShapedRow {
            guard let realignment else { return self }
            var row = self
            row.values.insert(contentsOf: repeatElement(0, count: realignment.count), at: realignment.position)
            row.values.removeLast(realignment.count)
            row.shapes.insert(contentsOf: repeatElement(.empty, count: realignment.count), at: realignment.position)
            row.shapes.removeLast(realignment.count)
            return row
        }
    }

    /// The realignments that make rows fit the column profiles, by row index.
    func realignments() -> [Int: Realignment] {
        guard columnCount >= 2, columnCount <= maximumColumns, eligible.filter({ $0 }).count >= minimumRows else { return [:] }
        // Texts numbered in the document, the empty text first (0, as the cells a realignment
        // inserts); each distinct text's shape is found once.
        var shaped: [ShapedRow] = []
        shaped.reserveCapacity(rows.count)
        for (index, cells) in rows.enumerated() {
            guard eligible[index] else {
                shaped.append(ShapedRow(values: [], shapes: []))
                continue
            }
            shaped.append(ShapedRow(values: cells, shapes: facts.shapes(of: cells)))
        }
        // Only rows with trailing empty cells can have lost cells.
        let candidates = rows.indices.filter { eligible[$0] && shaped[$0].shapes.last == .empty }
        guard !candidates.isEmpty else { return [:] }
        var current: [Int: Realignment] = [:]
        var scratch = Scratch(columnCount: columnCount)
        for _ in 0..<4 {
            let placed = rows.indices.map { eligible[$0] ? shaped[$0].applying(current[$0]) : shaped[$0] }
            let profiles = ColumnProfiles(placed, eligible: eligible, columnCount: columnCount)
            var next: [Int: Realignment] = [:]
            for index in candidates {
                if let realignment = bestRealignment(shaped[index], own: placed[index], profiles, scratch: &scratch) {
                    next[index] = realignment
                }
            }
            if next == current { break }
            current = next
        }
        return current
    }

    /// `cells` with a realignment applied.
    static func apply<Cell>(_ realignment: Realignment, to cells: [Cell], empty: Cell) -> [Cell] {
        var moved = cells
        moved.insert(contentsOf: repeatElement(empty, count: realignment.count), at: realignment.position)
        moved.removeLast(realignment.count)
        return moved
    }

    /// Buffers `bestRealignment` fills for each row, made once per table.
    struct Scratch {
        /// Where the row as placed holds each set member's value, by source column.
        var ownColumns: [Int?]
        /// Prefix sums, as read: of all cells, of the filled ones, and of empty cells in each column.
        var asRead: [Double]
        var filledAsRead: [Double]
        var empties: [Double]
        /// Suffix sums of the cells moved right, from a column to the end: all, and filled ones.
        var shifted: [Double]
        var filledShifted: [Double]

        init(columnCount: Int) {
            ownColumns = [Int?](repeating: nil, count: columnCount)
            asRead = [Double](repeating: 0, count: columnCount + 1)
            (filledAsRead, empties, shifted, filledShifted) = (asRead, asRead, asRead, asRead)
        }
    }

    /// The placement that fits best, when it beats the row as read by the margin, both in all
    /// and in its filled cells alone: a row whose values all sit in columns of their shape is
    /// not moved just because an empty cell of it is rare where it is.
    private func bestRealignment(_ row: ShapedRow, own: ShapedRow, _ profiles: ColumnProfiles,
                                 scratch: inout Scratch) -> Realignment? {
        let count = columnCount
        var trailingEmpty = 0
        while trailingEmpty < count && row.shapes[count - 1 - trailingEmpty] == .empty { trailingEmpty += 1 }
        guard trailingEmpty > 0 && trailingEmpty < count else { return nil }
        // Where the row as placed holds each set member's value (left out of its affinities).
        for source in 0..<count {
            scratch.ownColumns[source] = row.shapes[source].isSetMember ? own.values.firstIndex(of: row.values[source]) : nil
        }
        let ownColumns = scratch.ownColumns
        func score(_ column: Int, _ source: Int) -> Double {
            let value = row.values[source]
            var score = profiles.score(value, row.shapes[source], in: column, own: (own.values[column], own.shapes[column]))
            if row.shapes[source].isSetMember {
                score += profiles.affinity(value, in: column, ownColumn: ownColumns[source])
            }
            return score
        }
        scratch.asRead[0] = 0
        scratch.filledAsRead[0] = 0
        scratch.empties[0] = 0
        for column in 0..<count {
            let cellScore = score(column, column)
            scratch.asRead[column + 1] = scratch.asRead[column] + cellScore
            scratch.filledAsRead[column + 1] = scratch.filledAsRead[column] + (row.shapes[column] == .empty ? 0 : cellScore)
            scratch.empties[column + 1] = scratch.empties[column]
                + profiles.score(0, .empty, in: column, own: (own.values[column], own.shapes[column]))
        }
        var best: Realignment?
        var bestScore = scratch.asRead[count] + margin
        for shift in 1...trailingEmpty {
            scratch.shifted[count] = 0
            scratch.filledShifted[count] = 0
            for column in stride(from: count - 1, through: shift, by: -1) {
                let source = column - shift
                let cellScore = score(column, source)
                scratch.shifted[column] = scratch.shifted[column + 1] + cellScore
                scratch.filledShifted[column] = scratch.filledShifted[column + 1] + (row.shapes[source] == .empty ? 0 : cellScore)
            }
            for position in 0..<(count - shift) where row.shapes[position] != .empty {
                let score = scratch.asRead[position] + (scratch.empties[position + shift] - scratch.empties[position])
                    + scratch.shifted[position + shift]
                let filledGain = scratch.filledShifted[position + shift] - (scratch.filledAsRead[count] - scratch.filledAsRead[position])
                if score > bestScore && filledGain >= margin {
                    bestScore = score
                    best = Realignment(position: position, count: shift)
                }
            }
        }
        return best
    }
}
