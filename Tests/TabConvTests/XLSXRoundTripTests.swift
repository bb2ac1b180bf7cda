import Foundation
import TableModel
import XCTest
@testable import TabConv

/// Writing a document as XLSX and reading it back gives the document again: the caption, unit
/// and note rows above the header come back as the id, title, unit and notes, the merged header
/// as the same spans, and every cell with its value and scale.
final class XLSXRoundTripTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("roundtrip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// The document read from `input`, and the one read back from it written as XLSX.
    private func roundTrip(_ input: String) throws -> (original: Document, readBack: Document) {
        let workbook = scratch.appendingPathComponent("roundtrip.xlsx").path
        _ = try TabConv.convert(input: input, output: workbook)
        return (try TabConv.readDocument(input), try TabConv.readDocument(workbook))
    }

    /// Compares what a round trip can keep. Left out by nature:
    /// - row and head `line`s: text lines there, worksheet rows here (the caption, unit and note
    ///   rows move the data down);
    /// - a number's `raw` text (`9,885.752630`): the workbook holds the number and a format
    ///   showing its scale, not the characters the text printed, so only value and scale are
    ///   compared (as the canonical text, `9885.752630`);
    /// - repairs and diagnostics: they tell how the text was read; the workbook needed none.
    private func assertSameTables(_ original: Document, _ readBack: Document,
                                  file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(readBack.tables.map(\.head.id), original.tables.map(\.head.id), file: file, line: line)
        for (expected, actual) in zip(original.tables, readBack.tables) {
            let id = expected.head.id
            XCTAssertEqual(actual.head.title, expected.head.title, "\(id): title", file: file, line: line)
            XCTAssertEqual(actual.head.unit, expected.head.unit, "\(id): unit", file: file, line: line)
            XCTAssertEqual(actual.head.notes, expected.head.notes, "\(id): notes", file: file, line: line)
            XCTAssertEqual(actual.head.header, expected.head.header, "\(id): header spans", file: file, line: line)
            XCTAssertEqual(actual.head.columns, expected.head.columns, "\(id): column names, paths and types", file: file, line: line)
            XCTAssertEqual(actual.rows.count, expected.rows.count, "\(id): rows", file: file, line: line)
            for (index, (expectedRow, actualRow)) in zip(expected.rows, actual.rows).enumerated() {
                let place = "\(id) row \(index + 1) (line \(expectedRow.line ?? 0), sheet row \(actualRow.line ?? 0))"
                XCTAssertEqual(actualRow.kind, expectedRow.kind, "\(place): kind", file: file, line: line)
                XCTAssertEqual(actualRow.cells.count, expectedRow.cells.count, "\(place): cells", file: file, line: line)
                for (column, (expectedCell, actualCell)) in zip(expectedRow.cells, actualRow.cells).enumerated() {
                    XCTAssertEqual(comparable(actualCell), comparable(expectedCell), "\(place) column \(column + 1)",
                                   file: file, line: line)
                }
            }
        }
    }

    /// A cell without its raw text: a number is its canonical text (digits and scale).
    private func comparable(_ cell: Cell) -> String {
        switch cell {
        case .empty: return "empty"
        case .text(let text): return "text " + text
        case .number(let value, _): return "number \(value.text) scale \(value.scale)"
        }
    }

    func testSampleTextRoundTripsThroughXLSX() throws {
        let sample = Self.samples.appendingPathComponent("budget-2026.txt").path
        let (original, readBack) = try roundTrip(sample)
        XCTAssertEqual(original.tables.count, 14)
        // The comparison must be able to fail: the sample has units, notes, nested spans and totals.
        XCTAssertTrue(original.tables.contains { $0.head.unit == "万元" })
        XCTAssertTrue(original.tables.contains { !$0.head.notes.isEmpty })
        XCTAssertTrue(original.tables.contains { $0.head.header.joined().contains { $0.rowSpan > 1 } })
        XCTAssertTrue(original.tables.contains { $0.rows.contains { $0.kind == .total } })
        XCTAssertTrue(original.tables.contains { $0.rows.contains { $0.cells.contains { $0.number.map { $0.scale == 6 } ?? false } } })
        assertSameTables(original, readBack)
    }

    /// A CSV table has no caption: its id is the file's name. The workbook still shows it as a
    /// caption row (a sheet reads better with its name on top); read back, a caption row that
    /// only repeats the sheet name gives the id and no title. The CSV's one header row comes
    /// back as one row of labels. Row kinds come from the labels on both sides (`合计` → total),
    /// as the text reader gives them.
    func testCSVRoundTripsThroughXLSX() throws {
        let csv = scratch.appendingPathComponent("spending.csv")
        try FileManager.default.copyItem(at: Self.samples.appendingPathComponent("budget-2026-csv/预算05表-一般公共预算支出表.csv"), to: csv)
        let (original, readBack) = try roundTrip(csv.path)
        XCTAssertEqual(readBack.tables.map(\.head.id), ["spending"])
        XCTAssertEqual(readBack.tables.map(\.head.title), [""])
        XCTAssertTrue(original.tables[0].rows.contains { $0.kind == .total })
        assertSameTables(original, readBack)
    }

    /// A CSV named like a caption (`预算05表-一般公共预算支出表.csv`) comes back with the caption's
    /// id and title, as any caption row above a sheet's header does.
    func testCSVNamedLikeACaptionComesBackWithItsIDAndTitle() throws {
        let csv = Self.samples.appendingPathComponent("budget-2026-csv/预算05表-一般公共预算支出表.csv").path
        let (original, readBack) = try roundTrip(csv)
        XCTAssertEqual(original.tables[0].head.id, "预算05表-一般公共预算支出表")
        XCTAssertEqual(readBack.tables[0].head.id, "预算05表")
        XCTAssertEqual(readBack.tables[0].head.title, "一般公共预算支出表")
        XCTAssertEqual(readBack.tables[0].head.columns, original.tables[0].head.columns)
    }
}
