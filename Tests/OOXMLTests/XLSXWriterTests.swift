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
