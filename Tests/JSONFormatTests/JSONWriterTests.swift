import XCTest
import TableModel
@testable import JSONFormat

final class JSONWriterTests: XCTestCase {
    private func oneTable(_ cells: [Cell], columns: [Column] = [], kind: RowKind = .data) -> Document {
        Document(source: SourceInfo(name: "t.csv", format: "csv"),
                 tables: [Table(head: TableHead(id: "t", columns: columns), rows: [Row(kind: kind, line: 2, cells: cells)])])
    }

    func testWholeDocumentLayoutIsOneRowPerLine() throws {
        let document = Document(
            source: SourceInfo(name: "b.txt", format: "text"),
            tables: [Table(head: TableHead(id: "预算01表", title: "收支总表", unit: "万元", notes: ["(2026年度)"],
                                           header: [[HeaderCell(text: "收入", column: 0, columnSpan: 2)],
                                                    [HeaderCell(text: "项目", column: 0), HeaderCell(text: "预算数", column: 1)]],
                                           columns: [Column(path: ["收入", "项目"]), Column(path: ["收入", "预算数"], type: .number)],
                                           line: 3),
                           rows: [Row(line: 9, cells: [.text("一、一般公共预算拨款收入"), TestDocuments.number("9885.752630", raw: "9,885.752630")]),
                                  Row(kind: .total, line: 10, cells: [.text("合计"), TestDocuments.number("0.500000")])],
                           repairs: [Repair(line: 9, action: "joined a wrapped label")])],
            diagnostics: [Diagnostic(.warning, line: 9, "joined a wrapped label")])
        let expected = """
            {"tabconv": 1,
             "source": {"name": "b.txt", "format": "text"},
             "tables": [
              {"id": "预算01表", "title": "收支总表", "unit": "万元", "notes": ["(2026年度)"], "line": 3,
               "header": [
                [{"text": "收入", "col": 0, "colspan": 2, "rowspan": 1}],
                [{"text": "项目", "col": 0, "colspan": 1, "rowspan": 1}, {"text": "预算数", "col": 1, "colspan": 1, "rowspan": 1}]],
               "columns": [
                {"name": "收入/项目", "path": ["收入", "项目"], "type": "text"},
                {"name": "收入/预算数", "path": ["收入", "预算数"], "type": "number"}],
               "rows": [
                {"kind": "data", "line": 9, "cells": ["一、一般公共预算拨款收入", 9885.752630], "raw": [null, "9,885.752630"]},
                {"kind": "total", "line": 10, "cells": ["合计", 0.500000]}],
               "repairs": [
                {"line": 9, "action": "joined a wrapped label"}]}],
             "diagnostics": [
              {"severity": "warning", "line": 9, "message": "joined a wrapped label"}]}

            """
        XCTAssertEqual(try document.json(), expected)
    }

    func testNumbersKeepTheirDigitsAndScale() throws {
        let json = try oneTable([TestDocuments.number("9885.752630"), TestDocuments.number("-0.00"),
                                 TestDocuments.number("123456789012345678901234567890.12345678"), TestDocuments.number("100")]).json()
        XCTAssertTrue(json.contains("\"cells\": [9885.752630, -0.00, 123456789012345678901234567890.12345678, 100]}"), json)
    }

    func testEmptyCellsAreNull() throws {
        let json = try oneTable([.empty, .text(""), .empty]).json()
        XCTAssertTrue(json.contains("\"cells\": [null, \"\", null]}"), json)
    }

    func testNumbersAsStringsOption() throws {
        let json = try oneTable([TestDocuments.number("9885.752630", raw: "9,885.752630"), .text("x")])
            .json(JSONWriteOptions(numbersAsStrings: true))
        XCTAssertTrue(json.contains("\"cells\": [\"9885.752630\", \"x\"], \"raw\": [\"9,885.752630\", null]}"), json)
    }

    func testStringsAreEscaped() throws {
        let json = try oneTable([.text("a\"b\\c\n\r\t\u{8}\u{C}\u{0}\u{1F}\u{7F}/\u{2028}中")]).json()
        XCTAssertTrue(json.contains(#""cells": ["a\"b\\c\n\r\t\b\f\u0000\u001f"# + "\u{7F}/\u{2028}中\"]"), json)
    }

    func testEscapesAreFoundAtEveryPositionAmongMultibyteText() throws {
        let escapes: [(String, String)] = [("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{1}", #"\u0001"#), ("\u{1F}", #"\u001f"#)]
        for prefixLength in 0..<24 {
            for (character, escaped) in escapes {
                for filler in ["x", "中", " !#[]~\u{7F}"] {
                    let prefix = String(String(repeating: filler, count: prefixLength).prefix(prefixLength))
                    let text = prefix + character + "预算 0123456789"
                    let document = oneTable([.text(text)])
                    let json = try document.json()
                    XCTAssertTrue(json.contains("[\"" + prefix + escaped + "预算 0123456789\"]"), json)
                    XCTAssertEqual(try TabconvJSONReader.read(Array(json.utf8), name: "e.json"), document)
                }
            }
        }
    }

    func testBytesNearTheEscapedOnesAreWrittenAsTheyAre() throws {
        let text = " !#$[]^`{|}~\u{7F}\u{80}\u{A2}中\u{2028}\u{2029}😀 and more than eight bytes"
        let json = try oneTable([.text(text)]).json()
        XCTAssertTrue(json.contains("[\"" + text + "\"]"), json)
    }

    func testRawArrayOnlyOnRowsWithRawText() throws {
        let json = try oneTable([TestDocuments.number("1.5")]).json()
        XCTAssertFalse(json.contains("\"raw\""), json)
    }

    func testMissingLineAndUnitAreNullAndPlaceIsWrittenWhenSet() throws {
        var document = oneTable([.text("x")])
        document.tables[0].rows[0].line = nil
        document.diagnostics = [Diagnostic(.error, place: "Sheet1!B7", "bad cell")]
        let json = try document.json()
        XCTAssertTrue(json.contains("{\"id\": \"t\", \"title\": \"\", \"unit\": null, \"notes\": [], \"line\": null,"), json)
        XCTAssertTrue(json.contains("{\"kind\": \"data\", \"line\": null, \"cells\": [\"x\"]}"), json)
        XCTAssertTrue(json.contains("{\"severity\": \"error\", \"line\": null, \"place\": \"Sheet1!B7\", \"message\": \"bad cell\"}"), json)
    }

    func testEmptyDocumentIsValid() throws {
        let json = try Document(source: SourceInfo(name: "e", format: "csv")).json()
        XCTAssertEqual(json, "{\"tabconv\": 1,\n \"source\": {\"name\": \"e\", \"format\": \"csv\"},\n \"tables\": [],\n \"diagnostics\": []}\n")
    }

    func testManyRowsStreamInBlocksAndStayComplete() throws {
        let rows = (1...20_000).map { (index: Int) in Row(line: index, cells: [.text("row \(index)"), TestDocuments.number("\(index).25")]) }
        let document = Document(source: SourceInfo(name: "big", format: "csv"),
                                tables: [Table(head: TableHead(id: "t", columns: [Column(path: ["a"]), Column(path: ["b"], type: .number)]), rows: rows)])
        let json = try document.json()
        XCTAssertEqual(json.split(separator: "\n").count, 20_000 + 11)
        XCTAssertTrue(json.contains("{\"kind\": \"data\", \"line\": 20000, \"cells\": [\"row 20000\", 20000.25]}],"))
        XCTAssertEqual(try TabconvJSONReader.read(Array(json.utf8), name: "big.json"), document)
    }
}
