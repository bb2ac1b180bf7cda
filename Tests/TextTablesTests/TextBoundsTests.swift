import Foundation
import TableModel
import XCTest
@testable import TextTables

/// Hostile text: what the reader does with input no PDF would give, in bounded time and memory.
/// (The facade bounds a text document read whole at 512 MiB; see FormatRegistry.)
final class TextBoundsTests: XCTestCase {
    /// 10 MB without a line break is one line with one cell: no table, a warning, and a run
    /// that stays linear (cleanup and segmentation see one long cell once).
    func testTenMegabytesWithoutANewlineIsOneLineAndNoTable() throws {
        let line = [UInt8](repeating: 0x61, count: 5_000_000) + Array(repeating: Array("预算".utf8), count: 833_333).joined()
        let started = Date()
        let document = try TextTables.read(line, name: "long.txt")
        XCTAssertTrue(document.tables.isEmpty)
        XCTAssertTrue(document.diagnostics.contains { $0.message.contains("no tables found") }, "\(document.diagnostics)")
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    /// A line of 200,000 tab-separated cells under a caption: one very wide row, read whole in
    /// linear time. (Setting column types through `Table`'s member lookup once copied the
    /// column array per column: a 10 MB line of 1.1M cells did not finish in 10 minutes.)
    func testLineOfTwoHundredThousandCellsUnderACaption() throws {
        let cells = Array(repeating: "9,885.75", count: 200_000).joined(separator: "\t")
        let text = "预算01表 收支总表\n项目\t金额\n" + cells + "\n"
        let started = Date()
        let document = try TextTables.read(Array(text.utf8), name: "wide.txt")
        XCTAssertLessThan(Date().timeIntervalSince(started), 30)
        let cellCount = document.tables.reduce(0) { $0 + $1.rows.reduce(0) { $0 + $1.cells.filter { !$0.isEmpty }.count } }
        XCTAssertEqual(cellCount, 200_000, "every cell of the wide row is kept")
    }

    /// GB18030 text (no valid UTF-8) with a byte that is not GB18030 either, in the middle:
    /// an error naming the line, not a silent replacement character.
    func testInvalidBytesInTheMiddleOfGB18030AreAnErrorNamingTheLine() throws {
        let gb = "预算01表 收支总表\n项目\t金额\n收入\t1.5\n".data(using: .init(rawValue: 0x8000_0632)) ?? Data()
        XCTAssertFalse(gb.isEmpty, "GB18030 encoder available")
        var bytes = [UInt8](gb)
        let thirdLine = try XCTUnwrap(bytes.indices.filter { bytes[$0] == 0x0A }.dropFirst().first) + 1
        bytes.insert(contentsOf: [0x81, 0x20], at: thirdLine + 2)  // a lead byte with no valid trail
        XCTAssertThrowsError(try TextTables.read(bytes, name: "gb.txt")) { error in
            guard let error = error as? FormatError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.file, "gb.txt")
            XCTAssertEqual(error.line, 3, "\(error)")
            XCTAssertFalse("\(error)".contains("\n"), "one line: \(error)")
        }
    }

    /// A cell longer than a spreadsheet cell holds (32,767 characters) is kept whole: the text
    /// reader never truncates (the XLSX writer is where the limit applies).
    func testCellLongerThanASpreadsheetCellIsKeptWhole() throws {
        let long = String(repeating: "长", count: 40_000)
        let document = try read("预算01表 收支总表\n项目\t金额\n\(long)\t1.5\n收入\t2.5\n")
        let cells = try document.table("预算01表").rows.flatMap(\.cells)
        XCTAssertTrue(cells.contains(.text(long)), "the 40,000-character cell is whole")
    }
}
