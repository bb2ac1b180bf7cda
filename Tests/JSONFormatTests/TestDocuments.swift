import TableModel
@testable import JSONFormat

/// Documents built in code for the JSON tests.
enum TestDocuments {
    static func number(_ text: String, raw: String? = nil) -> Cell {
        guard let value = ExactDecimal(text, options: .plain) else { preconditionFailure("bad test number \(text)") }
        return .number(value, raw: raw)
    }

    /// A document with every feature the model has: header spans, notes, a table without unit,
    /// an empty unit, repairs, diagnostics with and without line and place, every row kind, raw
    /// number text, CJK, control characters, quotes and backslashes, a row without a line.
    static let allFeatures = Document(
        source: SourceInfo(name: "budget \"2026\".txt", format: "text"),
        tables: [
            Table(
                head: TableHead(
                    id: "预算01表", title: "收支总表", unit: "万元", notes: ["(2026年度)", "第二行\n含换行"],
                    header: [
                        [HeaderCell(text: "收入", column: 0, columnSpan: 2), HeaderCell(text: "支出", column: 2, columnSpan: 2)],
                        [HeaderCell(text: "项目", column: 0), HeaderCell(text: "预算数", column: 1),
                         HeaderCell(text: "项目", column: 2), HeaderCell(text: "预算数", column: 3)],
                    ],
                    columns: [
                        Column(path: ["收入", "项目"], type: .text), Column(path: ["收入", "预算数"], type: .number),
                        Column(path: ["支出", "项目"], type: .text), Column(path: ["支出", "预算数"], type: .number),
                    ],
                    line: 3),
                rows: [
                    Row(kind: .data, line: 9, cells: [.text("一、一般公共预算拨款收入"), number("9885.752630", raw: "9,885.752630"),
                                                      .text("一、一般公共服务支出"), number("9558.992695", raw: "9,558.992695")]),
                    Row(kind: .data, line: 10, cells: [.text("tab\there \"quoted\" back\\slash \u{1}\u{1F}"), .empty, .text("\u{2028}line\u{2029}"), number("0.500000")]),
                    Row(kind: .subtotal, line: 11, cells: [.text("小计"), number("-1234.50", raw: "(1,234.50)"), .empty, number("-0.00")]),
                    Row(kind: .total, line: nil, cells: [.text("合计"), number("123456789012345678901234567890.12345678"), .empty, number("0")]),
                ],
                repairs: [Repair(line: 10, action: "moved 3 cells right by 1 (a dropped empty cell)")]),
            Table(
                head: TableHead(id: "Table 2", title: "", unit: nil, notes: [],
                                header: [[HeaderCell(text: "Name", column: 0, rowSpan: 2)]],
                                columns: [Column(path: ["Name"], type: .text), Column(path: [], type: .empty)],
                                line: nil),
                rows: []),
            Table(head: TableHead(id: "", title: "empty unit", unit: "", columns: [Column(path: ["a", "b/c"], type: .text)]),
                  rows: [Row(cells: [.text("x")])]),
        ],
        diagnostics: [
            Diagnostic(.warning, line: 10, "row realigned: 3 cells moved right"),
            Diagnostic(.error, place: "Sheet1!B7", "cell beyond the limit"),
            Diagnostic(.note, "no line"),
        ])
}

extension Document {
    /// The document as tabconv JSON.
    func json(_ options: JSONWriteOptions = .init()) throws -> String {
        let sink = MemoryByteSink()
        try DocumentSource(self).transfer(to: JSONWriter(output: sink, options: options))
        return sink.text
    }

    /// The document as JSON Lines.
    func jsonLines(_ options: JSONWriteOptions = .init()) throws -> String {
        let sink = MemoryByteSink()
        try DocumentSource(self).transfer(to: JSONLinesWriter(output: sink, options: options))
        return sink.text
    }
}
