import Foundation
import TableModel
import XCTest
@testable import TextTables

/// The repository root: three levels up from this file (Tests/TextTablesTests/TestSupport.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The reference sample, as text.
func sampleText() throws -> String {
    try String(contentsOf: repositoryRoot.appendingPathComponent("Samples/budget-2026.txt"), encoding: .utf8)
}

/// The sample's lines (split on LF; the sample has LF line ends).
func sampleLines() throws -> [String] {
    try sampleText().components(separatedBy: "\n")
}

func read(_ text: String, options: TextReadOptions = .init()) throws -> Document {
    try TextTables.read(Array(text.utf8), name: "budget.txt", options: options)
}

extension Document {
    /// The table with this id; fails the test when there is none.
    func table(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws -> Table {
        try XCTUnwrap(tables.first { $0.id == id }, "no table \(id)", file: file, line: line)
    }
}

extension Table {
    /// The index of the column with this flat name.
    func column(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        try XCTUnwrap(head.columns.firstIndex { $0.name == name }, "no column \(name) in \(head.columns.map { $0.name })",
                      file: file, line: line)
    }

    var dataRows: [Row] { rows.filter { $0.kind == .data } }
}

/// What must not change between a document and its variants: tables, units, columns, header
/// spans and every row's kind and cells (not the source lines).
struct Structure: Equatable, CustomStringConvertible {
    var tables: [String]

    init(_ document: Document) {
        tables = document.tables.map { table in
            var lines = ["\(table.id) | \(table.title) | \(table.unit ?? "-") | notes \(table.notes)"]
            lines.append("header " + table.header.map { row in
                row.map { "\($0.text)@\($0.column)+\($0.columnSpan)x\($0.rowSpan)" }.joined(separator: " ")
            }.joined(separator: " / "))
            lines.append("columns " + table.columns.map { "\($0.name):\($0.type.rawValue)" }.joined(separator: " | "))
            for row in table.rows {
                lines.append("\(row.kind.rawValue): " + row.cells.map(\.sourceText).joined(separator: " | "))
            }
            return lines.joined(separator: "\n")
        }
    }

    var description: String { tables.joined(separator: "\n\n") }
}

/// Asserts that two structures are equal, showing the first table that differs.
func assertSameStructure(_ variant: Document, _ original: Document, file: StaticString = #filePath, line: UInt = #line) {
    let left = Structure(variant)
    let right = Structure(original)
    XCTAssertEqual(left.tables.count, right.tables.count, "table count", file: file, line: line)
    for (mine, theirs) in zip(left.tables, right.tables) where mine != theirs {
        let mineLines = mine.components(separatedBy: "\n")
        let theirLines = theirs.components(separatedBy: "\n")
        let first = zip(mineLines, theirLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(mineLines.count, theirLines.count)
        XCTFail("""
            table differs at line \(first) of its summary:
              variant:  \(first < mineLines.count ? mineLines[first] : "<end>")
              original: \(first < theirLines.count ? theirLines[first] : "<end>")
            """, file: file, line: line)
        return
    }
}

/// Letters, ideographs and digits, counted.
func significantScalars(_ text: String) -> [Unicode.Scalar: Int] {
    var counts: [Unicode.Scalar: Int] = [:]
    for scalar in text.unicodeScalars where scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
        counts[scalar, default: 0] += 1
    }
    return counts
}

/// Asserts that every letter, ideograph and digit of `input` is in `document` (captions, units,
/// notes, header, cells, diagnostics) at least as often, except lines reported as merged
/// repeated headers and the label of unit lines (`金额单位：`).
func assertNothingLost(_ input: String, _ document: Document, file: StaticString = #filePath, line: UInt = #line) {
    let missing = lostScalars(input, document)
    XCTAssertTrue(missing.isEmpty, "lost: \(missing.prefix(20).joined(separator: ", "))", file: file, line: line)
}

/// The letters, ideographs and digits of `input` that `document` has fewer of, with counts.
/// `headersSpanLines`: layout text, where one header row joins the header lines below it (a
/// label wrapped or set lower), so a merged repeated header also covers the lines after its own
/// up to the next body row (four lines at most).
func lostScalars(_ input: String, _ document: Document, headersSpanLines: Bool = false) -> [String] {
    var merged = Set(document.diagnostics.filter { $0.message.contains("repeat") && $0.message.contains("merged") }
        .compactMap(\.line))
    if headersSpanLines {
        let rowLines = Set(document.tables.flatMap { $0.rows.compactMap(\.line) })
        for start in merged {
            var line = start + 1
            while !rowLines.contains(line) && !merged.contains(line) && line <= start + 4 { merged.insert(line); line += 1 }
        }
    }
    var expected = ""
    let lines = input.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        .components(separatedBy: "\n")
    for (index, text) in lines.enumerated() where !merged.contains(index + 1) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let (_, unit) = CaptionParsing.unit(trimmed), !trimmed.contains("\t") {
            expected += unit + "\n"
        } else {
            expected += text + "\n"
        }
    }
    var found = ""
    for table in document.tables {
        found += table.id + " " + table.title + " " + (table.unit ?? "") + " " + table.notes.joined(separator: " ") + "\n"
        for row in table.header { found += row.map(\.text).joined(separator: " ") + "\n" }
        for row in table.rows { found += row.cells.map(\.sourceText).joined(separator: " ") + "\n" }
    }
    found += document.diagnostics.map(\.message).joined(separator: "\n")
    let have = significantScalars(found)
    var missing: [String] = []
    for (scalar, count) in significantScalars(expected) where have[scalar, default: 0] < count {
        missing.append("\(scalar) (\(have[scalar, default: 0]) of \(count))")
    }
    return missing.sorted()
}
