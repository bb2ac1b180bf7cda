import XCTest
import TableModel
@testable import JSONFormat

final class JSONLinesWriterTests: XCTestCase {
    private let budget = Document(
        source: SourceInfo(name: "b.txt", format: "text"),
        tables: [Table(
            head: TableHead(id: "预算03表", title: "支出总表", unit: "万元",
                            columns: [Column(path: ["科目编码"]), Column(path: ["科目名称"]), Column(path: ["预算数", "合计"], type: .number),
                                      Column(path: ["预算数", "基本支出"], type: .number), Column(path: ["备注"])]),
            rows: [Row(line: 9, cells: [.text("2010350"), .text("事业运行"), TestDocuments.number("153.717600", raw: "153.717600"), .empty, .text("含\"结转\"")]),
                   Row(kind: .total, line: 12, cells: [.empty, .text("合计"), TestDocuments.number("9885.752630"), TestDocuments.number("0.00")])])])

    func testOneFactPerNonEmptyCellOutsideTheLabels() throws {
        let lines = try budget.jsonLines().split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines, [
            #"{"table": "预算03表", "title": "支出总表", "unit": "万元", "row": 1, "line": 9, "kind": "data", "labels": ["2010350", "事业运行"], "column": ["预算数", "合计"], "value": 153.717600, "text": null}"#,
            #"{"table": "预算03表", "title": "支出总表", "unit": "万元", "row": 1, "line": 9, "kind": "data", "labels": ["2010350", "事业运行"], "column": ["备注"], "value": null, "text": "含\"结转\""}"#,
            #"{"table": "预算03表", "title": "支出总表", "unit": "万元", "row": 2, "line": 12, "kind": "total", "labels": [null, "合计"], "column": ["预算数", "合计"], "value": 9885.752630, "text": null}"#,
            #"{"table": "预算03表", "title": "支出总表", "unit": "万元", "row": 2, "line": 12, "kind": "total", "labels": [null, "合计"], "column": ["预算数", "基本支出"], "value": 0.00, "text": null}"#,
            "",
        ])
    }

    func testEveryLineHasTheSameKeysInTheSameOrder() throws {
        var document = budget
        document.tables[0].head.unit = nil
        document.tables[0].rows[0].line = nil
        let keys = ["\"table\": ", ", \"title\": ", ", \"unit\": ", ", \"row\": ", ", \"line\": ", ", \"kind\": ", ", \"labels\": ",
                    ", \"column\": ", ", \"value\": ", ", \"text\": "]
        for line in try document.jsonLines().split(separator: "\n") {
            var rest = Substring(line)
            for key in keys {
                guard let range = rest.range(of: key) else { return XCTFail("\(key) missing or out of order in \(line)") }
                rest = rest[range.upperBound...]
            }
        }
        XCTAssertTrue(try document.jsonLines().contains("\"unit\": null, \"row\": 1, \"line\": null,"))
    }

    func testNumbersAsStrings() throws {
        let text = try budget.jsonLines(JSONWriteOptions(numbersAsStrings: true))
        XCTAssertTrue(text.contains("\"value\": \"153.717600\", \"text\": null}"), text)
    }

    func testTableWithoutNumberColumnsIsLabelledByItsFirstColumn() throws {
        let document = Document(source: SourceInfo(name: "p", format: "text"), tables: [Table(
            head: TableHead(id: "预算表12", title: "绩效目标表", columns: [Column(path: ["一级指标"]), Column(path: ["指标值"])]),
            rows: [Row(line: 5, cells: [.text("产出指标"), .text("≥95%")]), Row(line: 6, cells: [.text("成本指标"), TestDocuments.number("12")])])])
        XCTAssertEqual(try document.jsonLines(), """
            {"table": "预算表12", "title": "绩效目标表", "unit": null, "row": 1, "line": 5, "kind": "data", "labels": ["产出指标"], "column": ["指标值"], "value": null, "text": "≥95%"}
            {"table": "预算表12", "title": "绩效目标表", "unit": null, "row": 2, "line": 6, "kind": "data", "labels": ["成本指标"], "column": ["指标值"], "value": 12, "text": null}

            """)
    }

    func testCellsBeyondTheColumnsHaveAnEmptyPath() throws {
        let document = Document(source: SourceInfo(name: "r", format: "csv"), tables: [Table(
            head: TableHead(id: "r", columns: [Column(path: ["a"]), Column(path: ["b"], type: .number)]),
            rows: [Row(line: 2, cells: [.text("k"), TestDocuments.number("1"), TestDocuments.number("2")])])])
        XCTAssertTrue(try document.jsonLines().contains("\"column\": [], \"value\": 2, \"text\": null}"))
    }

    func testLabelColumnCount() {
        XCTAssertEqual(JSONLinesWriter.labelColumnCount([]), 0)
        XCTAssertEqual(JSONLinesWriter.labelColumnCount([Column(path: ["a"], type: .number)]), 0)
        XCTAssertEqual(JSONLinesWriter.labelColumnCount([Column(path: ["a"]), Column(path: ["b"], type: .empty), Column(path: ["c"], type: .number)]), 2)
        XCTAssertEqual(JSONLinesWriter.labelColumnCount([Column(path: ["a"]), Column(path: ["b"])]), 1)
    }
}
