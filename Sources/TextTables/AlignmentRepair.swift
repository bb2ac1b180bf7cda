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

    init(_ text: String) {
        if text.isEmpty { self = .empty; return }
        if CellLabels.isNumber(text) { self = .number; return }
        if CellLabels.codeName(text) != nil { self = .codeName; return }
        var length = 0
        var hasWordCharacter = false
        for scalar in text.unicodeScalars {
            length += 1
            if scalar.properties.isAlphabetic || (scalar.value >= 0x30 && scalar.value <= 0x39) { hasWordCharacter = true }
            if length > 40 { break }
        }
        if length <= 2 && !hasWordCharacter { self = .mark }
        else if length <= 12 { self = .shortText }
        else if length <= 40 { self = .mediumText }
        else { self = .longText }
    }

    /// Shapes whose values make a closed set when they repeat.
    var isSetMember: Bool { self == .mark || self == .shortText }
}

/// A row realigned by inserting `count` empty cells before cell `position`.
struct Realignment: Hashable {
    var position: Int
    var count: Int
}

/// The statistics of one column.
struct ColumnProfile {
    private var rows = 0
    private var shapeCounts = [Int](repeating: 0, count: CellShape.allCases.count)
    private var valueCounts: [String: Int] = [:]
    private var setMemberCount = 0
    private(set) var shapeScores = [Double](repeating: 0, count: CellShape.allCases.count)
    /// The scores with one cell of that shape left out: a row is judged by the other rows.
    private var shapeScoresLeavingOneOut = [Double](repeating: 0, count: CellShape.allCases.count)
    private(set) var isClosed = false
    private var novelValueScore = 0.0

    mutating func add(_ text: String, _ shape: CellShape) {
        rows += 1
        shapeCounts[shape.rawValue] += 1
        if shape.isSetMember {
            valueCounts[text, default: 0] += 1
            setMemberCount += 1
        }
    }

    mutating func finish() {
        shapeScores = scores(shapeCounts)
        for shape in shapeCounts.indices where shapeCounts[shape] > 0 {
            var counts = shapeCounts
            counts[shape] -= 1
            shapeScoresLeavingOneOut[shape] = scores(counts)[shape]
        }
        let distinct = valueCounts.count
        isClosed = setMemberCount >= 6 && distinct * 3 <= setMemberCount
        novelValueScore = log(Double(distinct + 1) / Double(setMemberCount + distinct + 1))
    }

    private func scores(_ counts: [Int]) -> [Double] {
        let rows = Double(counts.reduce(0, +))
        let empty = Double(counts[0])
        let emptyShare = (empty + 0.5) / (rows + 1)
        var scores = [log(emptyShare)]
        for shape in 1..<counts.count {
            scores.append(log(1 - emptyShare) + log((Double(counts[shape]) + 0.2) / (rows - empty + 1.2)))
        }
        return scores
    }

    /// The log-likelihood of a cell in this column, judged without `own`, the cell this row
    /// put into the profile.
    func score(_ text: String, _ shape: CellShape, own: (text: String, shape: CellShape)) -> Double {
        let isOwn = own.shape == shape
        var score = isOwn ? shapeScoresLeavingOneOut[shape.rawValue] : shapeScores[shape.rawValue]
        if isClosed && shape.isSetMember {
            let count = (valueCounts[text] ?? 0) - (isOwn && own.text == text ? 1 : 0)
            if count <= 0 { score += novelValueScore }
        }
        return score
    }
}

struct AlignmentRepairer {
    /// Data rows (cleaned), each `columnCount` cells.
    let rows: [[String]]
    /// Rows that may be moved and that teach the profiles (data rows, not totals).
    let eligible: [Bool]
    let columnCount: Int
    /// How much better (in log-likelihood) a placement must fit than the row as read.
    var margin = 4.0
    /// Fewer rows than this teach nothing reliable: no repairs.
    var minimumRows = 8

    /// The realignments that make rows fit the column profiles, by row index.
    func realignments() -> [Int: Realignment] {
        guard columnCount >= 2, eligible.filter({ $0 }).count >= minimumRows else { return [:] }
        let shapes = rows.map { $0.map(CellShape.init) }
        var current: [Int: Realignment] = [:]
        for _ in 0..<4 {
            let profiles = learnProfiles(shapes: shapes, applying: current)
            let affinities = learnAffinities(shapes: shapes, applying: current)
            var next: [Int: Realignment] = [:]
            for index in rows.indices where eligible[index] {
                if let realignment = bestRealignment(rows[index], shapes[index], profiles, affinities, placedAs: current[index]) {
                    next[index] = realignment
                }
            }
            if next == current { break }
            current = next
        }
        return current
    }

    /// `cells` with a realignment applied.
    static func apply(_ realignment: Realignment, to cells: [String]) -> [String] {
        var moved = cells
        moved.insert(contentsOf: repeatElement("", count: realignment.count), at: realignment.position)
        moved.removeLast(realignment.count)
        return moved
    }

    private func learnProfiles(shapes: [[CellShape]], applying realignments: [Int: Realignment]) -> [ColumnProfile] {
        var profiles = [ColumnProfile](repeating: ColumnProfile(), count: columnCount)
        for index in rows.indices where eligible[index] {
            var cells = rows[index]
            var cellShapes = shapes[index]
            if let realignment = realignments[index] {
                cells = Self.apply(realignment, to: cells)
                cellShapes.insert(contentsOf: repeatElement(.empty, count: realignment.count), at: realignment.position)
                cellShapes.removeLast(realignment.count)
            }
            for column in 0..<columnCount { profiles[column].add(cells[column], cellShapes[column]) }
        }
        for column in profiles.indices { profiles[column].finish() }
        return profiles
    }

    /// Where each repeated short value (`定性`, `社会效益指标`, `%`) stands: its count by column.
    private func learnAffinities(shapes: [[CellShape]], applying realignments: [Int: Realignment]) -> [String: [Int]] {
        var affinities: [String: [Int]] = [:]
        for index in rows.indices where eligible[index] {
            let cells = realignments[index].map { Self.apply($0, to: rows[index]) } ?? rows[index]
            for column in 0..<columnCount where !cells[column].isEmpty && cells[column].unicodeScalars.count <= 12 {
                affinities[cells[column], default: [Int](repeating: 0, count: columnCount)][column] += 1
            }
        }
        return affinities
    }

    /// The placement that fits best, when it beats the row as read by the margin, both in all
    /// and in its filled cells alone: a row whose values all sit in columns of their shape is
    /// not moved just because an empty cell of it is rare where it is.
    private func bestRealignment(_ cells: [String], _ shapes: [CellShape], _ profiles: [ColumnProfile],
                                 _ affinities: [String: [Int]], placedAs placement: Realignment?) -> Realignment? {
        let count = columnCount
        var trailingEmpty = 0
        while trailingEmpty < count && shapes[count - 1 - trailingEmpty] == .empty { trailingEmpty += 1 }
        guard trailingEmpty > 0 && trailingEmpty < count else { return nil }
        // The cells this row put into the profiles.
        var ownCells = cells
        var ownShapes = shapes
        if let placement {
            ownCells = Self.apply(placement, to: cells)
            ownShapes.insert(contentsOf: repeatElement(.empty, count: placement.count), at: placement.position)
            ownShapes.removeLast(placement.count)
        }
        func score(_ column: Int, _ source: Int) -> Double {
            let text = cells[source]
            var score = profiles[column].score(text, shapes[source], own: (ownCells[column], ownShapes[column]))
            // A value seen elsewhere in the table (this row left out) tends to stand in the same column.
            if let counts = affinities[text] {
                let ownColumn = ownCells.firstIndex(of: text)
                let elsewhere = counts.reduce(0, +) - (ownColumn == nil ? 0 : 1)
                if elsewhere >= 3 {
                    let here = counts[column] - (ownColumn == column ? 1 : 0)
                    score += log((Double(here) + 0.5) / (Double(elsewhere) + 0.5 * Double(columnCount)))
                }
            }
            return score
        }
        func emptyScore(_ column: Int) -> Double {
            profiles[column].score("", .empty, own: (ownCells[column], ownShapes[column]))
        }
        // Prefix sums, as read: of all cells, of the filled ones, and of empty cells in each column.
        var asRead = [Double](repeating: 0, count: count + 1)
        var filledAsRead = [Double](repeating: 0, count: count + 1)
        var empties = [Double](repeating: 0, count: count + 1)
        for column in 0..<count {
            let cellScore = score(column, column)
            asRead[column + 1] = asRead[column] + cellScore
            filledAsRead[column + 1] = filledAsRead[column] + (shapes[column] == .empty ? 0 : cellScore)
            empties[column + 1] = empties[column] + emptyScore(column)
        }
        var best: Realignment?
        var bestScore = asRead[count] + margin
        // Suffix sums of the cells moved `shift` right, from column c to the end.
        var shifted = [Double](repeating: 0, count: count + 1)
        var filledShifted = [Double](repeating: 0, count: count + 1)
        for shift in 1...trailingEmpty {
            shifted[count] = 0
            filledShifted[count] = 0
            for column in stride(from: count - 1, through: shift, by: -1) {
                let source = column - shift
                let cellScore = score(column, source)
                shifted[column] = shifted[column + 1] + cellScore
                filledShifted[column] = filledShifted[column + 1] + (shapes[source] == .empty ? 0 : cellScore)
            }
            for position in 0..<(count - shift) where shapes[position] != .empty {
                let score = asRead[position] + (empties[position + shift] - empties[position]) + shifted[position + shift]
                let filledGain = filledShifted[position + shift] - (filledAsRead[count] - filledAsRead[position])
                if score > bestScore && filledGain >= margin {
                    bestScore = score
                    best = Realignment(position: position, count: shift)
                }
            }
        }
        return best
    }
}
