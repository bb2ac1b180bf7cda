import XCTest
import OOXML
import TableModel

/// The workbooks of calamine's test suite (../shared/corpus/calamine), checked against the values
/// calamine's `tests/test.rs` asserts, as text. Sheets are read without a header
/// (`headerRows: 0`) so that positions match calamine's ranges, which start at the first used
/// row and column.
final class XLSXReaderCorpusTests: XCTestCase {
    private static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/calamine")

    /// One assertion of test.rs: cells of one sheet, relative to the range's start.
    private struct Expectation {
        var test: String
        var file: String
        var sheet: String?
        /// `nil` text means an empty cell.
        var cells: [(row: Int, column: Int, text: String?)]
        /// The range's size when test.rs checks it (rows, columns).
        var size: (rows: Int, columns: Int)?

        init(_ test: String, _ file: String, sheet: String? = nil, grid: [[String?]]) {
            self.test = test
            self.file = file
            self.sheet = sheet
            cells = grid.enumerated().flatMap { row, values in values.enumerated().map { (row, $0.offset, $0.element) } }
            size = (grid.count, grid.map(\.count).max() ?? 0)
        }

        init(_ test: String, _ file: String, sheet: String? = nil, cells: [(Int, Int, String?)], size: (Int, Int)? = nil) {
            self.test = test
            self.file = file
            self.sheet = sheet
            self.cells = cells.map { (row: $0.0, column: $0.1, text: $0.2) }
            self.size = size.map { (rows: $0.0, columns: $0.1) }
        }
    }

    private static let expectations: [Expectation] = [
        Expectation("issue_2 / xlsx / issue_120", "issues.xlsx", sheet: "issue2", grid: [["1", "a"], ["2", "b"], ["3", "c"]]),
        Expectation("issue_3", "issue3.xlsm", sheet: "Sheet1", grid: [["1", "a"]]),
        Expectation("issue_4", "issues.xlsx", sheet: "issue5", grid: [["0.5"]]),
        Expectation("issue_6", "issues.xlsx", sheet: "issue6", grid: [["1"], ["2"], ["ab"], ["FALSE"]]),
        Expectation("error_file", "errors.xlsx", sheet: "Feuil1",
                    grid: [["#DIV/0!"], ["#NAME?"], ["#VALUE!"], ["#NULL!"], ["#REF!"], ["#NUM!"], ["#N/A"]]),
        Expectation("issue_9", "issue9.xlsx", sheet: "Feuil1", grid: [["test1"], ["test2 other"], ["test3 aaa"], ["test4"]]),
        Expectation("special_chrs_xlsx", "issues.xlsx", sheet: "spc_chrs",
                    grid: [["&"], ["<"], [">"], ["aaa ' aaa"], ["\""], ["☺"], ["֍"], ["àâéêèçöïî«»"]]),
        Expectation("xlsx_richtext_namespaced", "richtext-namespaced.xlsx", sheet: "Sheet1",
                    grid: [["inline string\nLine 2\nLine 3", nil, nil, nil, nil, nil, nil, "shared string\nLine 2\nLine 3"]]),
        Expectation("date_xlsx", "date.xlsx", cells: [(0, 0, "2021-01-01"), (2, 0, "255:10:10")]),
        Expectation("date_xlsx_1904", "date_1904.xlsx", cells: [(0, 0, "2021-01-01"), (2, 0, "255:10:10")]),
        Expectation("date_xlsx_iso", "date_iso.xlsx", cells: [(0, 0, "2021-01-01"), (1, 0, "2021-01-01T10:10:10"), (2, 0, "10:10:10")]),
        Expectation("test_ref_xlsx", "date.xlsx", cells: [(0, 1, "15"), (1, 0, "2021-01-02"), (1, 1, "16"), (2, 1, "17")], size: (3, 2)),
        Expectation("issue_221", "issue221.xlsm", sheet: "Sheet1", grid: [["Cell_A1", "Cell_B1"], ["Cell_A2", "Cell_B2"]]),
        Expectation("issue_261 (missing r attributes)", "issue_261.xlsx", sheet: "Some Sheet",
                    cells: [(0, 0, "String Value 32"), (4, 0, nil), (4, 3, nil), (60, 6, "939"), (65, 0, "String Value 42"), (65, 3, "String Value 8")]),
        Expectation("issue_261 (fixed by Excel)", "issue_261_fixed_by_excel.xlsx", sheet: "Some Sheet",
                    cells: [(0, 0, "String Value 32"), (60, 6, "939"), (65, 0, "String Value 42"), (65, 3, "String Value 8")]),
        Expectation("issue_420_empty_s_attribute", "empty_s_attribute.xlsx", sheet: "Sheet1",
                    grid: [["Name", "Value"], ["John", "1"], ["Sophia", "2"], ["Peter", "3"], ["Sam", "4"]]),
        Expectation("skip_phonetic_text", "rph.xlsx", sheet: "Sheet1", cells: [(0, 0, "課きく　毛こ")]),
        Expectation("issue_384_multiple_formula", "formula.issue.xlsx", sheet: "Sheet1",
                    cells: [(0, 0, "23"), (0, 2, "23"), (12, 6, "2"), (13, 9, "US"), (0, 1, nil), (5, 5, nil)]),
        Expectation("decode_xml_entities", "encoded_entities.xlsx", sheet: "Sheet1", cells: [(0, 0, "&"), (1, 0, "\n")]),
        Expectation("unescape_excel_xml (shared)", "has_x000D_.xlsx", sheet: "Sheet1", cells: [(0, 0, "ABC\r\nDEF")]),
        Expectation("unescape_excel_xml (inline)", "has_x000D_inline.xlsx", sheet: "Sheet1", cells: [(0, 0, "ABC\r\nDEF")]),
        Expectation("keep_first_empty_rows (temperature)", "temperature.xlsx", sheet: "Sheet1",
                    grid: [["label", "value"], ["celsius", "22.2222"], ["fahrenheit", "72.0"]]),
        Expectation("keep_first_empty_rows (temperature-in-middle)", "temperature-in-middle.xlsx", sheet: "Sheet1",
                    grid: [["label", "value"], ["celsius", "22.2222"], ["fahrenheit", "72"]]),
    ]

    /// The sheet as a grid of texts relative to its first used row and column.
    private func grid(_ file: String, sheet: String?) throws -> [[String?]] {
        var options = XLSXReadOptions(headerRows: 0)
        options.sheet = sheet ?? "1"
        let reader = try XLSXReader(path: Self.corpus.appendingPathComponent(file).path, name: file, options: options)
        guard try reader.nextTable() != nil else { return [] }
        var rows: [[String?]] = []
        var firstLine: Int?
        while let row = try reader.nextRow() {
            let line = row.line ?? 0
            if firstLine == nil { firstLine = line }
            while rows.count < line - (firstLine ?? line) { rows.append([]) }
            rows.append(row.cells.map { $0.isEmpty ? nil : $0.plainText })
        }
        return rows
    }

    func testCalamineExpectationsMatch() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Self.corpus.path), "corpus not present at \(Self.corpus.path)")
        var misses: [String] = []
        for expectation in Self.expectations {
            let rows: [[String?]]
            do { rows = try grid(expectation.file, sheet: expectation.sheet) } catch {
                misses.append("\(expectation.test): \(error)")
                continue
            }
            func value(_ row: Int, _ column: Int) -> String? {
                row < rows.count && column < rows[row].count ? rows[row][column] : nil
            }
            for cell in expectation.cells where value(cell.row, cell.column) != cell.text {
                misses.append("\(expectation.test): (\(cell.row), \(cell.column)) is \(value(cell.row, cell.column).debugDescription), calamine \(cell.text.debugDescription)")
            }
            if let size = expectation.size {
                let outside = rows.enumerated().contains { row, cells in
                    cells.enumerated().contains { column, text in text != nil && (row >= size.rows || column >= size.columns) }
                }
                if rows.count != size.rows || outside {
                    misses.append("\(expectation.test): size \(rows.count) rows, calamine \(size.rows)×\(size.columns)")
                }
            }
        }
        print("calamine corpus: \(Self.expectations.count - Set(misses.map { $0.components(separatedBy: ":")[0] }).count)/\(Self.expectations.count) expectations matched")
        XCTAssertEqual(misses, [], misses.joined(separator: "\n"))
    }

    func testSheetMetadataMatches() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Self.corpus.path))
        let anySheets = try XLSXReader(path: Self.corpus.appendingPathComponent("any_sheets.xlsx").path, name: "any_sheets.xlsx")
        XCTAssertEqual(anySheets.sheets.map(\.name), ["Visible", "Hidden", "VeryHidden", "Chart"])
        XCTAssertEqual(anySheets.sheets.map(\.state), [.visible, .hidden, .veryHidden, .visible])
        XCTAssertNil(anySheets.sheets[3].part, "a chart sheet has no worksheet part")
        let ordered = try XLSXReader(path: Self.corpus.appendingPathComponent("issue127.xlsx").path, name: "issue127.xlsx")
        XCTAssertEqual(ordered.sheets.map(\.name), (1...8).map { "Sheet\($0)" })
        let empty = try XLSXReader(path: Self.corpus.appendingPathComponent("empty_sheet.xlsx").path, name: "empty_sheet.xlsx").readDocument()
        XCTAssertTrue(empty.tables.allSatisfy { $0.rows.isEmpty && $0.head.columns.isEmpty })
    }

    /// Every workbook opens and reads to the end, or fails with a one-line FormatError; never a
    /// crash or a hang.
    func testEveryWorkbookReadsOrGivesAClearError() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: Self.corpus.path))
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)
            .filter { $0.hasSuffix(".xlsx") || $0.hasSuffix(".xlsm") }.sorted()
        XCTAssertEqual(files.count, 69)
        var failures: [String: String] = [:]
        for file in files {
            do {
                _ = try XLSXReader(path: Self.corpus.appendingPathComponent(file).path, name: file).readDocument()
            } catch let error as FormatError {
                XCTAssertFalse(error.description.contains("\n"), error.description)
                failures[file] = error.description
            } catch {
                XCTFail("\(file): not a FormatError: \(error)")
            }
        }
        // The two that fail are broken or encrypted, and say so.
        XCTAssertEqual(Set(failures.keys), ["pass_protected.xlsx", "issue252.xlsx"], "\(failures)")
        XCTAssertTrue(failures["pass_protected.xlsx"]?.contains("encrypted") == true)
        XCTAssertTrue(failures["issue252.xlsx"]?.contains("xl/_rels/workbook.xml.rels") == true)
    }
}
