import XCTest
import TableModel
@testable import MarkdownFormat

final class MarkdownWriterTests: XCTestCase {
    private func markdown(_ document: Document) throws -> String {
        let sink = MemoryByteSink()
        try DocumentSource(document).transfer(to: MarkdownWriter(output: sink))
        return sink.text
    }

    private func number(_ text: String, raw: String? = nil) -> Cell {
        guard let value = ExactDecimal(text) else { preconditionFailure("bad test number \(text)") }
        return .number(value, raw: raw)
    }

    private func table(id: String = "t", title: String = "", unit: String? = nil, notes: [String] = [],
                       columns: [Column], rows: [Row]) -> Document {
        Document(source: SourceInfo(name: "m", format: "text"),
                 tables: [Table(head: TableHead(id: id, title: title, unit: unit, notes: notes, columns: columns), rows: rows)])
    }

    func testSectionWithUnitNotesAndRightAlignedNumberColumns() throws {
        let document = table(id: "预算01表", title: "收支总表", unit: "万元", notes: ["(2026年度)"],
                             columns: [Column(path: ["收入", "项目"]), Column(path: ["收入", "预算数"], type: .number)],
                             rows: [Row(line: 9, cells: [.text("一、一般公共预算拨款收入"), number("9,885.752630")]),
                                    Row(kind: .total, line: 10, cells: [.text("合计"), .empty])])
        XCTAssertEqual(try markdown(document), """
            ## 预算01表 收支总表

            金额单位：万元

            (2026年度)

            | 收入/项目 | 收入/预算数 |
            | --- | ---: |
            | 一、一般公共预算拨款收入 | 9885.752630 |
            | 合计 |  |

            """)
    }

    func testSeveralTablesAreSeparatedSections() throws {
        var document = table(id: "Table 1", title: "Revenue", unit: "USD", columns: [Column(path: ["a"])], rows: [Row(cells: [.text("x")])])
        document.tables.append(Table(head: TableHead(id: "", columns: [Column(path: ["b"], type: .number)]), rows: []))
        XCTAssertEqual(try markdown(document), """
            ## Table 1 Revenue

            Unit: USD

            | a |
            | --- |
            | x |

            ## Table 2

            | b |
            | ---: |

            """)
    }

    func testCellTextIsEscaped() throws {
        let document = table(columns: [Column(path: ["a|b"]), Column(path: ["c"])],
                             rows: [Row(cells: [.text("x|y\nz\r\nw"), .text("*not bold* _x_ `code` <b> [l](u) \\ ~s~ &amp; R&D #1")])])
        let lines = try markdown(document).split(separator: "\n")
        XCTAssertEqual(lines[1], #"| a\|b | c |"#)
        XCTAssertEqual(lines[3], ##"| x\|y<br>z<br>w | \*not bold\* \_x\_ \`code\` \<b\> \[l\](u) \\ \~s\~ \&amp; R&D \#1 |"##)
    }

    func testEmptyColumnNamesAndRowsWiderThanTheColumns() throws {
        let document = table(columns: [Column(path: []), Column(path: ["n"], type: .number)],
                             rows: [Row(cells: [.text("a"), number("1"), .text("extra")]), Row(cells: [.text("b")])])
        XCTAssertEqual(try markdown(document), """
            ## t

            |  | n |  |
            | --- | ---: | --- |
            | a | 1 | extra |
            | b |  |  |

            """)
    }

    func testNotesThatWouldStartABlockAreEscaped() throws {
        let document = table(notes: ["- not a list", "1. not a list", "# not a heading", "+ x"], columns: [], rows: [])
        XCTAssertEqual(try markdown(document), """
            ## t

            \\- not a list

            1\\. not a list

            \\# not a heading

            \\+ x

            """)
    }
}
