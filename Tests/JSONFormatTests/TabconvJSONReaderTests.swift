import XCTest
import TableModel
@testable import JSONFormat

final class TabconvJSONReaderTests: XCTestCase {
    private func read(_ text: String) throws -> Document {
        try TabconvJSONReader.read(Array(text.utf8), name: "in.json")
    }

    /// The error `text` gives, or a failure when it reads.
    private func readError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> FormatError? {
        do {
            _ = try read(text)
            XCTFail("read without error: \(text)", file: file, line: line)
        } catch let error as FormatError {
            return error
        } catch {
            XCTFail("not a FormatError: \(error)", file: file, line: line)
        }
        return nil
    }

    private let minimal = "{\"tabconv\": 1, \"source\": {\"name\": \"x\", \"format\": \"csv\"}, \"tables\": [%@], \"diagnostics\": []}"

    private func withTable(_ table: String) -> String { minimal.replacingOccurrences(of: "%@", with: table) }

    func testWriterOutputReadsBackToAnEqualDocument() throws {
        let document = TestDocuments.allFeatures
        XCTAssertEqual(try read(try document.json()), document)
    }

    func testNumbersAsStringsReadBackAsNumbersInNumberColumns() throws {
        let document = TestDocuments.allFeatures
        let read = try read(try document.json(JSONWriteOptions(numbersAsStrings: true)))
        XCTAssertEqual(read, document)
    }

    func testStringNumbersInTextColumnsStayText() throws {
        let text = withTable(#"{"id": "t", "columns": [{"name": "a", "path": ["a"], "type": "text"}, {"name": "b", "path": ["b"], "type": "number"}], "rows": [{"kind": "data", "line": 2, "cells": ["1.50", "+3"]}]}"#)
        XCTAssertEqual(try read(text).tables[0].rows[0].cells, [.text("1.50"), .text("+3")])
    }

    func testColumnNameIsKeptWhenItDiffersFromThePath() throws {
        var document = TestDocuments.allFeatures
        document.tables[0].head.columns[0].name = "收入项目"
        XCTAssertEqual(try read(try document.json()).tables[0].head.columns[0].name, "收入项目")
    }

    func testNumbersAreExact() throws {
        let text = withTable(#"{"id": "t", "rows": [{"cells": [9885.752630, -0.00, 0, 1.5e3, 15E-1, 25e+0, 99999999999999999999999999999999999999]}]}"#)
        let cells = try read(text).tables[0].rows[0].cells
        XCTAssertEqual(cells.map(\.plainText), ["9885.752630", "-0.00", "0", "1500", "1.5", "25", "99999999999999999999999999999999999999"])
        XCTAssertEqual(cells[0].number?.scale, 6)
    }

    func testEscapesAreDecoded() throws {
        let text = withTable(#"{"id": "a\"b\\c\/d\n\r\t\b\f\u0041\u4e2d\ud83d\ude00", "rows": []}"#)
        XCTAssertEqual(try read(text).tables[0].id, "a\"b\\c/d\n\r\t\u{8}\u{C}A中😀")
    }

    func testAbsentKeysTakeDefaultsAndUnknownKeysAreSkipped() throws {
        let text = #"{"future": {"a": [1, true, false, null, {"b": "c"}]}, "tabconv": 1, "tables": [{"id": "t", "unit": null, "extra": 1, "rows": [{"cells": [null]}]}]}"#
        let document = try read(text)
        XCTAssertEqual(document.tables, [Table(head: TableHead(id: "t"), rows: [Row(cells: [.empty])])])
        XCTAssertEqual(document.diagnostics, [])
    }

    func testByteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"tabconv": 1}"#.utf8)
        XCTAssertEqual(try TabconvJSONReader.read(bytes, name: "bom.json").tables, [])
    }

    func testMalformedJSONIsAnErrorWithLineAndColumn() {
        let cases: [(String, Int, String, String)] = [
            ("{\"tabconv\": 1,\n \"tables\": [\n  {\"id\": \"t\", \"rows\": [{\"cells\": [1, 2,]}]}]}", 3, "column 40", "a cell must be a string, a number or null, found ']'"),
            ("{\"tabconv\": 1,\n \"tables\": [\n  {\"id\": \"中文\" \"rows\": []}]}", 3, "column 15", "expected ',' or '}'"),
            ("{\"tabconv\": 1, \"tables\": [{\"id\": \"unterminated}]}", 1, "column 34", "unterminated string"),
            ("{\"tabconv\": 1,\n\"tables\": [{\"id\": \"a\u{1}b\"}]}", 2, "column 21", "control character"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"cells\": [01]}]}]}", 1, "column 48", "leading zero"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"cells\": [true]}]}]}", 1, "column 48", "a cell must be"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"kind\": \"sum\"}]}]}", 1, "column 46", "unknown row kind"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"line\": 2.5}]}]}", 1, "column 46", "whole number"),
            ("{\"tabconv\": 1, \"tables\": [{\"id\": \"\\ud800\"}]}", 1, "column 35", "unpaired UTF-16 surrogate"),
            ("{\"tabconv\": 1, \"tables\": [{\"id\": \"\\x\"}]}", 1, "column 35", "invalid escape"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"cells\": [1e101]}]}]}", 1, "column 48", "exponent out of range"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"cells\": [1.]}]}]}", 1, "column 50", "digit after the decimal point"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"cells\": [1], \"raw\": [\"1\", null]}]}]}", 1, "column 37", "\"raw\" has 2 entries for 1 cells"),
            ("{\"tabconv\": 1, \"tables\": [{\"rows\": [{\"cells\": [\"a\"], \"raw\": [\"1\"]}]}]}", 1, "column 37", "not a number"),
            ("{\"tabconv\": 1} x", 1, "column 16", "after the end"),
            ("{\"tabconv\": 2}", 1, "column 13", "version 2"),
            ("{\"tables\": []}", 1, "", "\"tabconv\" version key is missing"),
            ("[1]", 1, "column 1", "expected the tabconv document (an object)"),
            ("", 1, "column 1", "expected the tabconv document"),
            ("{\"tabconv\": 1, \"tables\": [", 1, "column 27", "expected a table (an object), found the end of the input"),
        ]
        for (text, line, column, message) in cases {
            guard let error = readError(text) else { continue }
            XCTAssertEqual(error.file, "in.json", text)
            XCTAssertEqual(error.line, line, "\(text): \(error)")
            if !column.isEmpty { XCTAssertEqual(error.place, column, "\(text): \(error)") }
            XCTAssertTrue(error.message.contains(message), "\(text): \(error)")
        }
    }

    func testInvalidUTF8IsAnError() {
        let bytes: [UInt8] = Array("{\"tabconv\": 1,\n \"x\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8)
        XCTAssertThrowsError(try TabconvJSONReader.read(bytes, name: "bad.json")) { error in
            let formatError = error as? FormatError
            XCTAssertEqual(formatError?.line, 2)
            XCTAssertEqual(formatError?.place, "column 8")
            XCTAssertTrue(formatError?.message.contains("invalid UTF-8") ?? false, "\(error)")
        }
    }

    func testDeepNestingIsRefusedWithinTheLimit() {
        let depth = 100_000
        let text = "{\"tabconv\": 1, \"x\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        guard let error = readError(text) else { return }
        XCTAssertTrue(error.message.contains("nested deeper than 64"), "\(error)")
        // Up to the limit, unknown nested values are skipped.
        let shallow = "{\"tabconv\": 1, \"x\": " + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "}"
        XCTAssertNoThrow(try read(shallow))
    }

    func testTooManySignificantDigitsIsAnError() {
        let text = withTable(#"{"id": "t", "rows": [{"cells": [123456789012345678901234567890123456789]}]}"#)
        guard let error = readError(text) else { return }
        XCTAssertTrue(error.message.contains("more than 38 significant digits"), "\(error)")
    }
}
