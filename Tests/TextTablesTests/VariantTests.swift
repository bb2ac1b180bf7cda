import Foundation
import TableModel
import XCTest
@testable import TextTables

/// Variants of the sample must give the same structure: nothing in the reader may be keyed to
/// this document's line numbers, names or amounts. Lines are found by their content here.
final class VariantTests: XCTestCase {
    private var lines: [String] = []
    private var original: Document!

    override func setUpWithError() throws {
        lines = try sampleLines()
        original = try read(lines.joined(separator: "\n"))
    }

    private var text: String { lines.joined(separator: "\n") }

    /// The index of the first line that starts with `prefix` (after `start`).
    private func index(startingWith prefix: String, after start: Int = 0) throws -> Int {
        try XCTUnwrap(lines.indices.first { $0 >= start && lines[$0].hasPrefix(prefix) }, "no line starting with \(prefix)")
    }

    /// A row that lost its leading empty cells, padded at its end as extractors do.
    private func droppingLeadingEmptyCells(_ line: String, padded: Bool) -> String {
        let cells = line.components(separatedBy: "\t")
        let leading = cells.prefix { $0.isEmpty }.count
        let kept = Array(cells.dropFirst(leading)) + (padded ? Array(repeating: "", count: leading) : [])
        return kept.joined(separator: "\t")
    }

    func testCRLFWithByteOrderMark() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let variant = try TextTables.read(bytes, name: "budget.txt")
        assertSameStructure(variant, original)
        XCTAssertEqual(variant.tables[0].rows.first?.line, 9, "lines are counted the same")
    }

    func testGB18030() throws {
        let iconv = URL(fileURLWithPath: "/usr/bin/iconv")
        guard FileManager.default.isExecutableFile(atPath: iconv.path) else { throw XCTSkip("no iconv to make GB18030 with") }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("tabconv-gb18030-\(UUID().uuidString).txt")
        try Data(text.utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = iconv
        process.arguments = ["-f", "UTF-8", "-t", "GB18030", input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let bytes = [UInt8](output.fileHandleForReading.readDataToEndOfFile())
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertNotEqual(bytes, Array(text.utf8), "really another encoding")
        let variant = try TextTables.read(bytes, name: "budget-gb.txt")
        assertSameStructure(variant, original)
    }

    func testHeaderRepeatedMidTableAfterAPageBreak() throws {
        let header = try index(startingWith: "支出功能分类科目")
        let row = try index(startingWith: "2010399-", after: header)
        // A page break: a blank line, the header again (its second line lost its leading empty cells).
        lines.insert(contentsOf: ["", lines[header], droppingLeadingEmptyCells(lines[header + 1], padded: false)], at: row)
        // And in table 06, a form feed and the header, spaced out as extraction does.
        let header06 = try index(startingWith: "政府支出经济分类科目\t部门")
        let row06 = try index(startingWith: "50502-", after: header06)
        lines.insert(contentsOf: ["\u{0C}", lines[header06].replacingOccurrences(of: "预算数", with: "预 算 数"),
                                  lines[header06 + 1]], at: row06)
        let variant = try read(text)
        assertSameStructure(variant, original)
        // The sample's 14 in table 12 and 1 in table 13's indicator section, and the 4 added.
        XCTAssertEqual(variant.diagnostics.filter { $0.message.contains("repeated header row merged") }.count, 15 + 4)
        assertNothingLost(text, variant)
    }

    func testLeadingEmptyCellsDroppedFromOtherRows() throws {
        // Table 12: in other blocks than the sample's, rows lose their leading empty cells, some
        // padded at the end and some not.
        let table12 = try index(startingWith: "预算表12")
        let indicatorRows = lines.indices.filter { $0 > table12 && lines[$0].hasPrefix("\t\t\t\t\t") }
        var changed = 0
        for (position, row) in indicatorRows.enumerated() where position % 9 == 4 {
            lines[row] = droppingLeadingEmptyCells(lines[row], padded: position % 2 == 0)
            changed += 1
        }
        XCTAssertGreaterThan(changed, 8)
        let variant = try read(text)
        assertSameStructure(variant, original)
        XCTAssertEqual(try variant.table("预算表12").repairs.count, 31 + changed)
        assertNothingLost(text, variant)
    }

    func testOneEmptyCellLostMidRowInAnotherBlock() throws {
        // The block of 11000022Y000000426182 loses its empty 其他资金 cell: the project row moves
        // left from there, and its indicator rows lose one of their leading empty cells.
        let project = try index(startingWith: "11000022Y000000426182-")
        var cells = lines[project].components(separatedBy: "\t")
        XCTAssertEqual(cells[3], "")
        cells.remove(at: 3)
        cells.append("")
        lines[project] = cells.joined(separator: "\t")
        var row = project + 1
        while lines[row].hasPrefix("\t\t\t\t\t") {
            lines[row] = String(lines[row].dropFirst()) + "\t"
            row += 1
        }
        let variant = try read(text)
        assertSameStructure(variant, original)
        XCTAssertTrue(try variant.table("预算表12").repairs.contains { $0.line == project + 1 })
    }

    func testSpanningLabelPlacedOneCellOffInAnotherTable() throws {
        // Table 05: 预算数 and 基本支出 put one cell right of where their groups begin.
        let top = try index(startingWith: "功能分类科目\t\t预算数")
        lines[top] = "功能分类科目\t\t\t预算数\t\t\t\t"
        XCTAssertEqual(lines[top + 1], "科目编码\t科目名称\t合计\t基本支出\t\t\t项目支出\t")
        lines[top + 1] = "科目编码\t科目名称\t合计\t\t基本支出\t\t项目支出\t"
        // Table 13: 财政拨款 one cell right too.
        let form = try index(startingWith: "总体资金情况（万元）")
        XCTAssertEqual(lines[form], "总体资金情况（万元）\t\t预算支出总额\t财政拨款\t\t\t其他资金\t")
        lines[form] = "总体资金情况（万元）\t\t预算支出总额\t\t财政拨款\t\t其他资金\t"
        let variant = try read(text)
        assertSameStructure(variant, original)
        XCTAssertEqual(try variant.table("预算05表").repairs.map(\.line), [top + 1, top + 2])
    }

    func testProjectNamesChanged() throws {
        let renames = [
            ("11000022Y0000 00426179-北京 市政府门户网 站运维", "31000021A0000 00000017-上海 市数据平 台建设", "31000021A000000000017-上海市数据平台建设"),
            ("11000022Y000000426182-北京市政府网站集约化平台服务及运维", "44000023B000000000042-广东省档案服务", nil),
            ("11000024T0000 02756266-财务综合服务", "44000023B0000 00000043-审计 服务", "44000023B000000000043-审计服务"),
        ]
        var expected = Structure(original).description
        for (old, new, cleaned) in renames {
            let line = try index(startingWith: old)
            lines[line] = lines[line].replacingOccurrences(of: old, with: new)
            expected = expected.replacingOccurrences(of: TextCleanup.clean(old), with: cleaned ?? new)
        }
        let variant = try read(text)
        XCTAssertEqual(Structure(variant).description, expected)
    }

    func testTextOutsideTablesAndPageFootersAreKept() throws {
        lines.insert(contentsOf: ["首都之窗运行管理中心2026年部门预算", "", "说明：本单位2026年预算如下。"], at: 0)
        let row = try index(startingWith: "2010399-其他政府办公厅")
        lines.insert(contentsOf: ["", "第 3 页", ""], at: row)
        let variant = try read(text)
        XCTAssertEqual(variant.diagnostics.filter { $0.message.hasPrefix("text outside any table") }.compactMap(\.line), [1, 3])
        XCTAssertEqual(try variant.table("预算03表").notes, ["第 3 页"])
        XCTAssertTrue(variant.diagnostics.contains { $0.line == row + 2 && $0.message.contains("第 3 页") })
        XCTAssertEqual(try variant.table("预算03表").dataRows.count, 31)
        assertNothingLost(text, variant)
    }

    func testContinuedCaptionJoinsTheTableBefore() throws {
        let row = try index(startingWith: "2010399-其他政府办公厅")
        let header = try index(startingWith: "支出功能分类科目")
        lines.insert(contentsOf: ["", "预算03表 支出总表（续）", "", "金额单位：万元", "", lines[header], lines[header + 1]], at: row)
        let variant = try read(text)
        XCTAssertEqual(variant.tables.count, 14, "13 captions, table 13 a form of two sections")
        XCTAssertEqual(try variant.table("预算03表").dataRows.count, 31)
        assertNothingLost(text, variant)
    }

    static let english = """
        Budget of the Example Agency 2026

        Table 1 Revenue
        Unit: USD thousand
        Item\tBudget\tActual
        Taxes\t1,200.50\t1,100.00
        Fees\t300.00\t(25.00)
        Subtotal\t1,500.50\t1,075.00
        Grants\t10.00\t
        Total\t1,510.50\t1,075.00

        Table 2: Spending by function
        Unit: USD thousand
        Function\tCode\tAmount\t\t
        \t\tTotal\tCurrent\tCapital
        General public services\t0701\t120.25\t100.00\t20.25
        Defence\t702\t80.00\t80.00\t
        Total\t\t200.25\t180.00\t20.25
        """

    func testEnglishCaptionsUnitsAndTotals() throws {
        let document = try read(Self.english)
        XCTAssertEqual(document.tables.map(\.id), ["Table 1", "Table 2"])
        XCTAssertEqual(document.tables.map(\.title), ["Revenue", "Spending by function"])
        XCTAssertEqual(document.tables.map(\.unit), ["USD thousand", "USD thousand"])
        let revenue = try document.table("Table 1")
        XCTAssertEqual(revenue.rows.map(\.kind), [.data, .data, .subtotal, .data, .total])
        XCTAssertEqual(revenue.rows[1].cells[2], .number(ExactDecimal("-25.00")!, raw: "(25.00)"))
        let spending = try document.table("Table 2")
        XCTAssertEqual(spending.columns.map(\.name), ["Function", "Code", "Amount/Total", "Amount/Current", "Amount/Capital"])
        XCTAssertEqual(spending.rows[0].cells[0], .text("General public services"), "English keeps its spaces")
        XCTAssertEqual(spending.rows[1].cells[1], .text("702"), "codes stay text")
        XCTAssertEqual(spending.rows.last?.kind, .total)
        XCTAssertTrue(document.diagnostics.contains { $0.line == 1 && $0.message.contains("Budget of the Example Agency") })
        assertNothingLost(Self.english, document)

        // The same with `Amount` centred one cell right.
        let shifted = Self.english.replacingOccurrences(of: "Function\tCode\tAmount\t\t", with: "Function\tCode\t\tAmount\t")
        assertSameStructure(try read(shifted), document)
    }

    func testParenthesesAsText() throws {
        let document = try read(Self.english, options: TextReadOptions(parenthesesAsText: true))
        XCTAssertEqual(try document.table("Table 1").rows[1].cells[2], .text("(25.00)"))
        XCTAssertEqual(try document.table("Table 1").columns[2].type, .text)
    }
}
