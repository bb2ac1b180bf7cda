import TableModel
import XCTest
@testable import CSVFormat

/// The CSV reader's resource bounds (`CSVLimits`; the failing side of each is in
/// CSVReaderTests): the defaults, raising each limit, and cells longer than a spreadsheet's.
final class CSVBoundsTests: XCTestCase {
    func testDefaultsAreTheDocumentedLimits() {
        let limits = CSVLimits()
        XCTAssertEqual(limits.maximumFieldBytes, 32 << 20)
        XCTAssertEqual(limits.maximumRecordBytes, 64 << 20)
        XCTAssertEqual(limits.maximumFieldsPerRecord, 65_536)
    }

    /// A 40 MiB quoted field, past the default field limit, reads whole once the limits are
    /// raised: the limits are the only cap.
    func testRaisedFieldLimitReadsAFieldPastTheDefault() throws {
        let piece = String(repeating: "z", count: 1 << 16)
        let source = GeneratedSource(header: "a,b\n1,\"", rows: 40 << 4 + 1) { index in index == 40 << 4 ? "\"\n" : piece }
        let options = CSVReadOptions(limits: CSVLimits(maximumFieldBytes: 48 << 20, maximumRecordBytes: 48 << 20),
                                     readsInBackground: false)
        let row = try XCTUnwrap(CSVReader(source: source, name: "big.csv", options: options).readDocument().tables.first?.rows.first)
        XCTAssertEqual(row.cells.first, .number(ExactDecimal("1")!))
        XCTAssertEqual(row.cells.last?.plainText.utf8.count, 40 << 20)
    }

    func testRaisedFieldCountLimitReadsAWideRecord() throws {
        let wide = (0..<70_000).map(String.init).joined(separator: ",")
        XCTAssertNotNil(formatError { _ = try readCSV(wide + "\n") })
        let options = CSVReadOptions(limits: CSVLimits(maximumFieldsPerRecord: 70_000))
        XCTAssertEqual(try readCSV(wide + "\n", options: options).document.tables[0].columns.count, 70_000)
    }

    /// Cells longer than Excel's 32,767 characters are kept whole by the reader and the
    /// writer alike: CSV has no such limit, and nothing is cut silently.
    func testCellsLongerThanASpreadsheetCellSurviveReadingAndWriting() throws {
        let long = String(repeating: "长\"", count: 20_000)
        let csv = "id,text\n1,\"\(long.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
        let document = try readCSV(csv).document
        XCTAssertEqual(document.tables[0].rows[0].cells.last, .text(long))
        let written = try writeCSV(document, options: CSVWriteOptions(lineEnding: .lf))
        XCTAssertEqual(String(decoding: written, as: UTF8.self), csv)
    }
}
