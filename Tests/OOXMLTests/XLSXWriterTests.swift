import Foundation
import TableModel
import XCTest
@testable import OOXML

final class XLSXWriterTests: XCTestCase {
    private typealias Fixtures = XLSXWriterFixtures

    private func sheetXML(_ document: Document, sheet: Int = 1, options: XLSXWriteOptions = .init()) throws -> String {
        let (bytes, _) = try Fixtures.workbook(document, options: options)
        return try ZipTestReader.text(of: "xl/worksheets/sheet\(sheet).xml", in: bytes)
    }

    func testPackageHasEveryPartWithContentTypesFirst() throws {
        let (bytes, writer) = try Fixtures.workbook(Fixtures.budgetDocument())
        let names = try ZipTestReader.entries(bytes).map(\.name)
        XCTAssertEqual(names, ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
                               "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml",
                               "xl/_rels/workbook.xml.rels", "xl/styles.xml"])
        XCTAssertEqual(writer.sheetNames, ["预算01表 收支总表", "预算05表 一般公共预算财政拨款支出表"])
        let workbook = try ZipTestReader.text(of: "xl/workbook.xml", in: bytes)
        XCTAssertTrue(workbook.contains("<sheet name=\"预算01表 收支总表\" sheetId=\"1\" r:id=\"rId1\"/>"), workbook)
        let relationships = try ZipTestReader.text(of: "xl/_rels/workbook.xml.rels", in: bytes)
        XCTAssertTrue(relationships.contains("Target=\"worksheets/sheet2.xml\""), relationships)
    }

    func testCaptionUnitAndNotesSpanTheTable() throws {
        let xml = try sheetXML(Fixtures.budgetDocument())
        XCTAssertTrue(xml.contains("<c r=\"A1\" s=\"5\" t=\"inlineStr\"><is><t>预算01表 收支总表</t></is></c>")
                      || xml.contains(">预算01表 收支总表</t>"), xml)
        XCTAssertTrue(xml.contains("<row r=\"2\"><c r=\"A2\""), xml)
        XCTAssertTrue(xml.contains("<t>金额单位：万元</t>"), xml)
        XCTAssertTrue(xml.contains("<t>(2026年度)</t>"), xml)
        for merge in ["A1:D1", "A2:D2", "A3:D3"] { XCTAssertTrue(xml.contains("<mergeCell ref=\"\(merge)\"/>"), merge) }
    }

    func testHeaderTreeBecomesMergedCellsAsTheSpansSay() throws {
        let xml = try sheetXML(Fixtures.budgetDocument(), sheet: 2)
        // Caption row 1, unit row 2, header rows 3–5.
        for merge in ["A3:A5", "B3:B5", "C3:H3", "C4:C5", "D4:F4", "G4:G5", "H4:H5"] {
            XCTAssertTrue(xml.contains("<mergeCell ref=\"\(merge)\"/>"), merge)
        }
        XCTAssertTrue(xml.contains("<mergeCells count=\"9\">"), xml)
        XCTAssertTrue(xml.contains("<pane ySplit=\"5\" topLeftCell=\"A6\" activePane=\"bottomLeft\" state=\"frozen\"/>"), xml)
    }

    func testNumbersAreExactWithAFormatPerScale() throws {
        let (bytes, _) = try Fixtures.workbook(Fixtures.budgetDocument())
        let sheet = try ZipTestReader.text(of: "xl/worksheets/sheet1.xml", in: bytes)
        XCTAssertTrue(sheet.contains("<v>9885.752630</v>"), sheet)
        XCTAssertTrue(sheet.contains("<v>0.500000</v>"), sheet)
        let styles = try ZipTestReader.text(of: "xl/styles.xml", in: bytes)
        XCTAssertTrue(styles.contains("formatCode=\"#,##0.000000\""), styles)
        // An integer printed with separators keeps them; one printed without does not.
        XCTAssertTrue(styles.contains("formatCode=\"#,##0\""), styles)
        XCTAssertTrue(styles.contains("formatCode=\"0\""), styles)
    }

    func testIdentifiersStayText() throws {
        let xml = try sheetXML(Fixtures.budgetDocument(), sheet: 2)
        XCTAssertTrue(xml.contains("<t>2010350</t>"), xml)
        XCTAssertTrue(xml.contains("<t>020101</t>"), xml)
    }
}

extension XLSXWriterTests {
    private func singleTable(_ head: TableHead, rows: [Row]) -> Document {
        Document(source: SourceInfo(name: "t.csv", format: "csv"), tables: [Table(head: head, rows: rows)])
    }

    private func plainHead(id: String = "T", columns: Int) -> TableHead {
        TableHead(id: id, columns: (0..<columns).map { Column(path: ["c\($0)"]) })
    }

    func testSameTablesGiveSameBytes() throws {
        let first = try Fixtures.workbook(Fixtures.budgetDocument()).bytes
        let second = try Fixtures.workbook(Fixtures.budgetDocument()).bytes
        XCTAssertEqual(first, second)
        let inForeground = try Fixtures.workbook(Fixtures.budgetDocument(),
                                                 options: XLSXWriteOptions(deflatesInBackground: false)).bytes
        XCTAssertEqual(first, inForeground)
    }

    func testTotalRowsAreBold() throws {
        let (bytes, _) = try Fixtures.workbook(Fixtures.budgetDocument())
        let sheet = try ZipTestReader.text(of: "xl/worksheets/sheet1.xml", in: bytes)
        let styles = try ZipTestReader.text(of: "xl/styles.xml", in: bytes)
        // The total row is row 10 (caption, unit, note, two header rows, four data rows).
        guard let totalRow = sheet.range(of: "<row r=\"10\">"), let dataRow = sheet.range(of: "<row r=\"6\">") else {
            return XCTFail(sheet)
        }
        func styleIndexes(after start: String.Index) -> [Int] {
            let row = sheet[start...].components(separatedBy: "</row>")[0]
            return row.components(separatedBy: " s=\"").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        }
        let xfs = styles.components(separatedBy: "<cellXfs")[1].components(separatedBy: "<xf ").dropFirst()
        func isBold(_ index: Int) -> Bool { Array(xfs)[index].contains("fontId=\"1\"") }
        XCTAssertTrue(styleIndexes(after: totalRow.lowerBound).allSatisfy(isBold), sheet)
        XCTAssertFalse(styleIndexes(after: dataRow.lowerBound).contains(where: isBold), sheet)
    }

    func testNumberBeyondFifteenDigitsIsTextWithAWarning() throws {
        let document = singleTable(plainHead(columns: 2), rows: [
            Row(line: 7, cells: [Fixtures.number("123456789012.345678"), Fixtures.number("772422635731.542300")]),
            Row(line: 8, cells: [Fixtures.number("999999999999999"), Fixtures.number("1.500000000000000000")]),
        ])
        let (bytes, writer) = try Fixtures.workbook(document)
        let sheet = try ZipTestReader.text(of: "xl/worksheets/sheet1.xml", in: bytes)
        XCTAssertTrue(sheet.contains("<t>123456789012.345678</t>"), sheet)
        XCTAssertTrue(sheet.contains("<t>772422635731.542300</t>"), sheet)
        // 15 digits, and trailing zeros that a double shows anyway, stay numbers.
        XCTAssertTrue(sheet.contains("<v>999999999999999</v>"), sheet)
        XCTAssertTrue(sheet.contains("<v>1.500000000000000000</v>"), sheet)
        XCTAssertEqual(writer.diagnostics.map(\.place), ["'T'!A2", "'T'!B2"])
        XCTAssertEqual(writer.diagnostics.map(\.line), [7, 7])
        XCTAssertEqual(writer.diagnostics.first?.severity, .warning)

        let (always, quiet) = try Fixtures.workbook(document, options: XLSXWriteOptions(numbers: .always))
        XCTAssertTrue(try ZipTestReader.text(of: "xl/worksheets/sheet1.xml", in: always)
            .contains("<v>123456789012.345678</v>"))
        XCTAssertEqual(quiet.diagnostics, [])
    }

    func testNegativeZeroIsWrittenAsZero() throws {
        let xml = try sheetXML(singleTable(plainHead(columns: 1), rows: [Row(cells: [Fixtures.number("-0.00")])]))
        XCTAssertTrue(xml.contains("<v>0.00</v>"), xml)
    }

    func testTextBeyondACellsLimitIsAnErrorNamingTheCell() throws {
        let long = String(repeating: "预", count: 32_768)
        let document = singleTable(plainHead(id: "预算01表", columns: 2),
                                   rows: [Row(line: 12, cells: [.text("ok"), .text(long)])])
        XCTAssertThrowsError(try Fixtures.workbook(document)) { error in
            let error = error as? FormatError
            XCTAssertEqual(error?.place, "'预算01表'!B2")
            XCTAssertEqual(error?.line, 12)
            XCTAssertTrue(error?.message.contains("32,767") ?? false)
        }
        // Exactly at the limit is fine.
        let fits = singleTable(plainHead(columns: 1), rows: [Row(cells: [.text(String(repeating: "a", count: 32_767))])])
        XCTAssertNoThrow(try Fixtures.workbook(fits))
    }

    func testMoreColumnsThanAWorksheetHasIsAnError() throws {
        XCTAssertThrowsError(try Fixtures.workbook(singleTable(plainHead(columns: 16_385), rows: []))) { error in
            XCTAssertTrue((error as? FormatError)?.message.contains("16,384") ?? false)
        }
        let wideRow = Row(cells: Array(repeating: .text("x"), count: 16_385))
        XCTAssertThrowsError(try Fixtures.workbook(singleTable(plainHead(columns: 1), rows: [wideRow])))
    }

    func testMoreRowsThanAWorksheetHasIsAnError() throws {
        final class EmptyRows: TableSource {
            let count: Int
            var served = 0
            var tableServed = false
            init(count: Int) { self.count = count }
            var source: SourceInfo { SourceInfo(name: "big.csv", format: "csv") }
            var repairs: [Repair] { [] }
            var diagnostics: [Diagnostic] { [] }
            func nextTable() throws -> TableHead? {
                defer { tableServed = true }
                return tableServed ? nil : TableHead(id: "big", columns: [Column(path: ["a"])])
            }
            func nextRow() throws -> Row? {
                guard served < count else { return nil }
                served += 1
                return Row(cells: [served == count ? .text("last") : .empty])
            }
        }
        // The caption takes row 1, so 1,048,575 rows fit and one more does not.
        XCTAssertNoThrow(try EmptyRows(count: 1_048_575).transfer(to: XLSXWriter(output: MemoryByteSink())))
        XCTAssertThrowsError(try EmptyRows(count: 1_048_576).transfer(to: XLSXWriter(output: MemoryByteSink()))) { error in
            XCTAssertTrue((error as? FormatError)?.message.contains("1,048,576") ?? false, "\(error)")
        }
    }

    func testNothingIsWrittenAfterAFailedWriterIsReleased() throws {
        final class CountingSink: ByteSink {
            var count = 0
            func write(_ bytes: UnsafeRawBufferPointer) throws { count += bytes.count }
        }
        let sink = CountingSink()
        var rows = (0..<20_000).map { Row(cells: [.text("row \($0) with some text to fill the chunks")]) }
        rows.append(Row(line: 99, cells: [.text(String(repeating: "x", count: 40_000))]))
        var writer: XLSXWriter? = XLSXWriter(output: sink)
        XCTAssertThrowsError(try DocumentSource(singleTable(plainHead(columns: 1), rows: rows)).transfer(to: writer!))
        writer = nil
        let written = sink.count
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(sink.count, written)
    }

    func testSheetNamesAreValidAndUnique() {
        var namer = XLSXWriter.SheetNamer()
        func name(_ id: String, _ title: String = "") -> String {
            namer.name(for: TableHead(id: id, title: title), sheetNumber: 9)
        }
        XCTAssertEqual(name("预算01表", "收支总表"), "预算01表 收支总表")
        XCTAssertEqual(name("预算01表", "收支总表"), "预算01表 收支总表 (2)")
        XCTAssertEqual(name("A/B", "c:d*e?[f]\\g"), "A_B c_d_e__f__g")
        XCTAssertEqual(name("'quoted'"), "quoted")
        XCTAssertEqual(name("History"), "History (2)")
        XCTAssertEqual(name(""), "Sheet9")
        XCTAssertEqual(name("line\nbreak\ttab"), "line break tab")
        let long = name("预算表12", "项目支出绩效目标表（北京市政府门户网站运维项目及其他项目合计）")
        XCTAssertEqual(long.utf16.count, 31)
        XCTAssertTrue(long.hasPrefix("预算表12 项目支出绩效目标表"))
        let again = name("预算表12", "项目支出绩效目标表（北京市政府门户网站运维项目及其他项目合计）")
        XCTAssertLessThanOrEqual(again.utf16.count, 31)
        XCTAssertTrue(again.hasSuffix(" (2)"))
        XCTAssertEqual(name("sheet9"), "sheet9 (2)")  // "Sheet9" is taken, whatever the case
    }

    func testWorkbookWithoutTablesHasOneEmptySheet() throws {
        let (bytes, writer) = try Fixtures.workbook(Document(source: SourceInfo(name: "x", format: "csv")))
        XCTAssertEqual(writer.sheetNames, ["Sheet1"])
        XCTAssertEqual(writer.diagnostics.count, 1)
        XCTAssertTrue(try ZipTestReader.text(of: "xl/worksheets/sheet1.xml", in: bytes).contains("<sheetData></sheetData>"))
    }

    func testColumnsAreSizedFromContentWithWideCharactersCountingDouble() throws {
        let head = TableHead(id: "", header: [[HeaderCell(text: "名称", column: 0), HeaderCell(text: "amount", column: 1)]],
                             columns: [Column(path: ["名称"]), Column(path: ["amount"])])
        let rows = [Row(cells: [.text("一般公共服务支出"), Fixtures.number("9885.752630")]),
                    Row(cells: [.text(String(repeating: "长", count: 40)), .empty])]
        let xml = try sheetXML(singleTable(head, rows: rows))
        // 40 wide characters would need 80: capped at 60. 9,885.752630 is 12 wide, plus 2.
        XCTAssertTrue(xml.contains("<col min=\"1\" max=\"1\" width=\"60\" customWidth=\"1\"/>"), xml)
        XCTAssertTrue(xml.contains("<col min=\"2\" max=\"2\" width=\"14\" customWidth=\"1\"/>"), xml)
    }

    func testLongTextAndLineBreaksWrap() throws {
        let head = plainHead(columns: 1)
        let rows = [Row(cells: [.text("short")]), Row(cells: [.text(String(repeating: "x", count: 100))]),
                    Row(cells: [.text("two\r\nlines")])]
        let (bytes, _) = try Fixtures.workbook(singleTable(head, rows: rows))
        let sheet = try ZipTestReader.text(of: "xl/worksheets/sheet1.xml", in: bytes)
        let styles = try ZipTestReader.text(of: "xl/styles.xml", in: bytes)
        let xfs = Array(styles.components(separatedBy: "<cellXfs")[1].components(separatedBy: "<xf ").dropFirst())
        func style(ofRow row: Int) -> String {
            let cell = sheet.components(separatedBy: "<c r=\"A\(row)\"")[1]
            guard cell.hasPrefix(" s=\"") else { return xfs[0] }
            return xfs[Int(cell.dropFirst(4).prefix { $0.isNumber }) ?? 0]
        }
        XCTAssertFalse(style(ofRow: 2).contains("wrapText=\"1\""))
        XCTAssertTrue(style(ofRow: 3).contains("wrapText=\"1\""), style(ofRow: 3))
        XCTAssertTrue(style(ofRow: 4).contains("wrapText=\"1\""), style(ofRow: 4))
        // Rows with wrapped text are as high as their lines (100 characters in a 60-wide column
        // take two; two lines take two), so programs that keep heights show the whole text.
        XCTAssertTrue(sheet.contains("<row r=\"2\"><c r=\"A2\""), sheet)
        XCTAssertTrue(sheet.contains("<row r=\"3\" ht=\"30\" customHeight=\"1\"><c r=\"A3\""), sheet)
        XCTAssertTrue(sheet.contains("<row r=\"4\" ht=\"30\" customHeight=\"1\"><c r=\"A4\""), sheet)
    }

    func testSurroundingSpacesArePreserved() throws {
        let xml = try sheetXML(singleTable(plainHead(columns: 1), rows: [Row(cells: [.text("  含结转  ")])]))
        XCTAssertTrue(xml.contains("<t xml:space=\"preserve\">  含结转  </t>"), xml)
    }

    func testDimensionIsWrittenOnlyWhenEveryRowIsKnown() throws {
        let small = try sheetXML(Fixtures.budgetDocument())
        XCTAssertTrue(small.contains("<dimension ref=\"A1:D10\"/>"), small)
        let rows = (0..<30).map { Row(cells: [.text("r\($0)")]) }
        let large = try sheetXML(singleTable(plainHead(columns: 1), rows: rows),
                                 options: XLSXWriteOptions(widthSampleRowCount: 10))
        XCTAssertFalse(large.contains("<dimension"), large)
        XCTAssertTrue(large.contains("<c r=\"A31\" t=\"inlineStr\"><is><t>r29</t>"), large)
    }

    func testOverlappingHeaderLabelIsLeftOutWithAWarning() throws {
        let head = TableHead(id: "T", header: [[HeaderCell(text: "A", column: 0, columnSpan: 2),
                                                HeaderCell(text: "B", column: 1)]],
                             columns: [Column(path: ["A"]), Column(path: ["B"])])
        let (bytes, writer) = try Fixtures.workbook(singleTable(head, rows: []))
        XCTAssertEqual(writer.diagnostics.count, 1)
        XCTAssertTrue(writer.diagnostics[0].message.contains("\"B\""))
        let sheet = try ZipTestReader.text(of: "xl/worksheets/sheet1.xml", in: bytes)
        XCTAssertTrue(sheet.contains("<mergeCell ref=\"A2:B2\"/>"), sheet)
        XCTAssertFalse(sheet.contains("<t>B</t>"), sheet)
    }

    func testCaptionRowsCanBeLeftOut() throws {
        let xml = try sheetXML(Fixtures.budgetDocument(), options: XLSXWriteOptions(writesCaptionRows: false))
        XCTAssertTrue(xml.contains("<row r=\"1\"><c r=\"A1\" s=\"4\" t=\"inlineStr\"><is><t>收入</t>"), xml)
        XCTAssertFalse(xml.contains("收支总表"), xml)
        XCTAssertTrue(xml.contains("<pane ySplit=\"2\" topLeftCell=\"A3\""), xml)
        XCTAssertTrue(xml.contains("<mergeCell ref=\"A1:B1\"/>"), xml)
    }

    func testWideTablePrintsLandscapeFittedToThePageWidth() throws {
        let xml = try sheetXML(Fixtures.budgetDocument(), sheet: 2)
        XCTAssertTrue(xml.contains("<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"), xml)
        XCTAssertTrue(xml.contains("<pageSetup orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/>"), xml)
    }

    func testHeaderRowsArePrintTitles() throws {
        let (bytes, _) = try Fixtures.workbook(Fixtures.budgetDocument())
        let workbook = try ZipTestReader.text(of: "xl/workbook.xml", in: bytes)
        XCTAssertTrue(workbook.contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"1\">"
                                        + "'预算05表 一般公共预算财政拨款支出表'!$3:$5</definedName>"), workbook)
    }
}

/// Runs the shared acceptance tool on a budget-like workbook, when it is there.
final class XLSXWriterAcceptanceTests: XCTestCase {
    private typealias Fixtures = XLSXWriterFixtures

    /// What each sheet must show, row by row from A1, computed from the model: the caption,
    /// unit and notes rows, the header grid with labels at their anchors, then the cells as the
    /// input printed them.
    private func expectation(for document: Document, sheetNames: [String]) -> [String: [[String]]] {
        var result: [String: [[String]]] = [:]
        for (table, name) in zip(document.tables, sheetNames) {
            let width = table.head.columns.count
            func spanning(_ text: String) -> [String] { [text] + Array(repeating: "", count: width - 1) }
            var rows = [spanning(table.head.caption)]
            if let unit = table.head.unit { rows.append(spanning("金额单位：" + unit)) }
            for note in table.head.notes { rows.append(spanning(note)) }
            for level in table.head.header {
                var row = Array(repeating: "", count: width)
                for cell in level { row[cell.column] = cell.text }
                rows.append(row)
            }
            for row in table.rows { rows.append(row.cells.map(\.sourceText)) }
            result[name] = rows
        }
        return result
    }

    func testBudgetWorkbookPassesCheckXLSX() throws {
        let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let tool = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/tools/check-xlsx")
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw XCTSkip("check-xlsx is not at ../shared/tools")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("XLSXWriterTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let document = Fixtures.budgetDocument()
        let (bytes, writer) = try Fixtures.workbook(document)
        XCTAssertEqual(writer.diagnostics, [])
        let workbook = directory.appendingPathComponent("budget.xlsx")
        try Data(bytes).write(to: workbook)
        let expected = directory.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: expectation(for: document, sheetNames: writer.sheetNames))
            .write(to: expected)

        let process = Process()
        process.executableURL = tool
        process.arguments = [workbook.path, "--exact", "--expect", expected.path, "-v"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print(printed)
        XCTAssertEqual(process.terminationStatus, 0, printed)
        XCTAssertTrue(printed.contains(" 0 failed"), printed)
    }
}
