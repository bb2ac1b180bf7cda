import Foundation
import TableModel
import XCTest
@testable import TextTables

/// The reference sample, Samples/budget-2026.txt: what DESIGN.md § "The text reader" asks of it.
final class SampleTests: XCTestCase {
    private var document: Document!

    override func setUpWithError() throws {
        document = try read(try sampleText())
    }

    func testThirteenTablesWithIdsTitlesAndUnitsAsPrinted() {
        XCTAssertEqual(document.tables.map(\.id), [
            "预算01表", "预算02表", "预算03表", "预算04表", "预算05表", "预算06表", "预算07表", "预算08表",
            "预算09表", "预算10表", "预算11表", "预算表12", "预算13表", "预算13表-2",
        ], "table 13 is a form: its indicator list is a second section")
        XCTAssertEqual(document.tables.map(\.title), [
            "收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表", "一般公共预算基本支出表",
            "政府性基金预算支出表", "国有资本经营预算支出表", "财政拨款“三公”经费支出表", "政府采购预算明细表",
            "财政拨款政府购买服务明细表", "项目支出绩效目标表", "单位整体支出绩效目标表", "单位整体支出绩效目标表",
        ])
        XCTAssertEqual(document.tables.prefix(12).map(\.unit), Array(repeating: "万元", count: 12))
        XCTAssertNil(document.tables[12].unit)
        XCTAssertEqual(document.tables[12].notes.first, "(2026年度)", "a caption line that is no unit is a note")
        XCTAssertEqual(document.tables[0].head.line, 3, "a table's line is its caption's")
    }

    func testTable01PathsJoinTheHeaderLevels() throws {
        let table = try document.table("预算01表")
        XCTAssertEqual(table.columns.map(\.name), ["收入/项目", "收入/预算数", "支出/项目", "支出/预算数"])
        XCTAssertEqual(table.columns.map(\.type), [.text, .number, .text, .number])
        XCTAssertEqual(table.header, [
            [HeaderCell(text: "收入", column: 0, columnSpan: 2), HeaderCell(text: "支出", column: 2, columnSpan: 2)],
            [HeaderCell(text: "项目", column: 0), HeaderCell(text: "预算数", column: 1),
             HeaderCell(text: "项目", column: 2), HeaderCell(text: "预算数", column: 3)],
        ])
        let first = try XCTUnwrap(table.rows.first)
        XCTAssertEqual(first.line, 9)
        XCTAssertEqual(first.cells[1], .number(ExactDecimal("9885.752630")!, raw: "9,885.752630"))
    }

    func testTable02GroupOpensAtItsOwnSubtotalNotWhereTheLabelWasCentred() throws {
        let table = try document.table("预算02表")
        XCTAssertEqual(table.header[0], [
            HeaderCell(text: "合计", column: 0, rowSpan: 2),
            HeaderCell(text: "本年收入", column: 1, columnSpan: 10),
            HeaderCell(text: "上年结转结余", column: 11, columnSpan: 6),
        ])
        XCTAssertEqual(table.columns[1].name, "本年收入/小计")
        XCTAssertEqual(table.columns[2].name, "本年收入/一般公共预算资金")
        XCTAssertEqual(table.columns[10].name, "本年收入/其他收入")
        XCTAssertEqual(table.columns[11].name, "上年结转结余/小计")
        XCTAssertEqual(table.columns[16].name, "上年结转结余/单位资金")
        XCTAssertEqual(table.rows.first?.cells[11].number?.text, "224.301157")
        XCTAssertEqual(table.repairs.map(\.line), [43], "the moved label is a repair on the header line")
        XCTAssertTrue(document.diagnostics.contains { $0.line == 43 && $0.severity == .warning })
    }

    func testTable05HasItsEightColumnPaths() throws {
        let table = try document.table("预算05表")
        XCTAssertEqual(table.columns.map(\.name), [
            "功能分类科目/科目编码", "功能分类科目/科目名称", "预算数/合计", "预算数/基本支出/小计",
            "预算数/基本支出/人员经费", "预算数/基本支出/公用经费", "预算数/项目支出/项目支出总数",
            "预算数/项目支出/扣除基建项目后预算数",
        ])
        XCTAssertEqual(table.columns[3].path, ["预算数", "基本支出", "小计"])
        XCTAssertEqual(table.header[1][0], HeaderCell(text: "科目编码", column: 0, rowSpan: 2), "spans down over the empty cell")
        XCTAssertEqual(table.rows.first?.cells[0], .text("2010350"), "codes under 科目编码 stay text")
        XCTAssertEqual(table.columns[0].type, .text)
        XCTAssertEqual(table.rows.last?.kind, .total, "` ⇥ 合 计 ⇥ …` is the total row")
    }

    func testTable03TotalEqualsTheColumnSumsExactly() throws {
        let table = try document.table("预算03表")
        XCTAssertEqual(table.dataRows.count, 31)
        let totals = table.rows.filter { $0.kind == .total }
        XCTAssertEqual(totals.count, 1)
        let total = try XCTUnwrap(totals.first)
        XCTAssertEqual(total.cells[0], .text("合计"), "letter-spacing removed")
        for column in 3...5 {
            let sum = table.dataRows.compactMap { $0.cells[column].number?.decimal }.reduce(Decimal(0), +)
            let printed = try XCTUnwrap(total.cells[column].number)
            XCTAssertEqual(ExactDecimal(sum, scale: printed.scale), printed, "column \(table.columns[column].name)")
        }
        XCTAssertEqual(table.rows.first?.cells[0], .text("2010350-事业运行"), "a code-name cell is text")
    }

    func testEmptyTablesTotalLineIsATotalRowNotAHeaderRow() throws {
        for id in ["预算07表", "预算08表", "预算11表"] {
            let table = try document.table(id)
            XCTAssertEqual(table.header.count, 2, id)
            XCTAssertEqual(table.rows.map(\.kind), [.total], id)
            XCTAssertTrue(table.rows[0].cells.contains(.text("合计")), id)
        }
    }

    func testRowKindsComeFromTheLabelCell() throws {
        let table = try document.table("预算01表")
        let kinds = Dictionary(uniqueKeysWithValues: table.rows.compactMap { row in row.cells[0].text.map { ($0, row.kind) } })
        XCTAssertEqual(kinds["本年收入合计"], .total)
        XCTAssertEqual(kinds["收入总计"], .total)
        XCTAssertEqual(kinds["上年结转结余"], .data)
        XCTAssertEqual(kinds["一、一般公共预算拨款收入"], .data)
        XCTAssertEqual(try document.table("预算10表").rows.last?.kind, .total)
    }

    func testTable12IndicatorRowsHaveTheirLevelAndNatureInThoseColumns() throws {
        let table = try document.table("预算表12")
        XCTAssertEqual(table.dataRows.count, 148)
        let level = try table.column("一级指标")
        let nature = try table.column("绩效指标性质")
        let unit = try table.column("绩效度量单位")
        for row in table.rows {
            XCTAssertTrue(["产出指标", "效益指标", "成本指标", "满意度指标"].contains(row.cells[level].text ?? ""),
                          "line \(row.line ?? 0): \(row.cells[level])")
            XCTAssertTrue(["≥", "≤", "=", "定性"].contains(row.cells[nature].text ?? ""), "line \(row.line ?? 0)")
            if row.cells[nature].text != "定性" {
                XCTAssertFalse(row.cells[unit].isEmpty, "line \(row.line ?? 0) keeps its unit")
            }
        }
        XCTAssertEqual(table.columns.map(\.name), [
            "项目名称", "项目总额", "其中：/财政资金", "其中：/其他资金", "绩效目标", "一级指标", "二级指标", "三级指标",
            "绩效指标性质", "本年绩效指标值", "绩效度量单位",
        ])
    }

    func testTable12RepairsAreRecordedWithTheirLines() throws {
        let table = try document.table("预算表12")
        let lines = table.repairs.map(\.line)
        XCTAssertEqual(lines.count, 31)
        XCTAssertEqual(Set(lines), Set([242, 243, 244, 245, 246, 247, 271, 272, 273, 274, 275, 276, 277, 320, 350, 371, 372, 373]
                                       + Array(290...302)))
        for line in lines {
            XCTAssertTrue(document.diagnostics.contains { $0.line == line && $0.severity == .warning }, "line \(line)")
        }
        // Leading cells lost at a page break: 成本指标 goes back under 一级指标.
        let row242 = try XCTUnwrap(table.rows.first { $0.line == 242 })
        XCTAssertEqual(row242.cells[0], .empty)
        XCTAssertEqual(row242.cells[5], .text("成本指标"))
        XCTAssertEqual(row242.cells[9].number?.text, "175.0248")
        XCTAssertEqual(row242.cells[10], .text("万元"))
        // One empty cell lost mid-row: the empty 其他资金 comes back and the goal moves right.
        let row290 = try XCTUnwrap(table.rows.first { $0.line == 290 })
        XCTAssertEqual(row290.cells[0], .text("11000024T000002756266-财务综合服务"))
        XCTAssertEqual(row290.cells[2].number?.text, "29.132000")
        XCTAssertEqual(row290.cells[3], .empty)
        XCTAssertTrue(row290.cells[4].text?.hasPrefix("1.完成行政事业单位") ?? false)
        XCTAssertEqual(row290.cells[5], .text("产出指标"))
        XCTAssertEqual(row290.cells[10], .text("%"))
        XCTAssertTrue(try document.table("预算04表").repairs.isEmpty, "rows whose values fit their columns stay")
    }

    func testNoRepairKeepsRowsAsReadAndWarns() throws {
        let unrepaired = try read(try sampleText(), options: TextReadOptions(repair: false))
        let table = try unrepaired.table("预算表12")
        XCTAssertTrue(table.repairs.isEmpty)
        let row242 = try XCTUnwrap(table.rows.first { $0.line == 242 })
        XCTAssertEqual(row242.cells[0], .text("成本指标"))
        XCTAssertTrue(unrepaired.diagnostics.contains { $0.line == 242 && $0.message.contains("repair is off") })
        XCTAssertEqual(try unrepaired.table("预算02表").header[0][2].column, 10, "the label stays where the text put it")
    }

    func testRepeatedHeadersAreMergedIntoOneTable() throws {
        let table = try document.table("预算表12")
        XCTAssertEqual(table.header.count, 2)
        XCTAssertFalse(table.rows.contains { $0.cells.contains(.text("项目名称")) || $0.cells.contains(.text("财政资金")) })
        let merged = document.diagnostics.filter { $0.message.hasPrefix("预算表12: repeated header row merged") }
            .compactMap(\.line)
        XCTAssertEqual(merged, [249, 250, 279, 280, 304, 305, 322, 323, 332, 333, 352, 353, 375, 376])
    }

    func testFormSectionHeaderRepeatedAfterABreakIsMerged() throws {
        // Table 13's indicator list: line 402 is its header; line 415, after a blank line, repeats
        // it with fewer trailing cells and is merged.
        let table = try document.table("预算13表-2")
        XCTAssertEqual(table.header.first?.map(\.text), ["活动", "绩效指标", "指标性质", "指标值", "度量单位"])
        XCTAssertFalse(table.rows.contains { $0.line == 402 || $0.line == 415 })
        XCTAssertTrue(document.diagnostics.contains { $0.line == 415 && $0.message.contains("repeated header row merged") })
        XCTAssertEqual(table.rows.first { $0.line == 416 }?.cells.count, 6, "rows have the section's width")
    }

    func testIndicatorValuesAreExactNumbersInATextColumn() throws {
        let table = try document.table("预算表12")
        let value = try table.column("本年绩效指标值")
        XCTAssertEqual(table.columns[value].type, .text, "a mix of numbers and text")
        let row237 = try XCTUnwrap(table.rows.first { $0.line == 237 })
        XCTAssertEqual(row237.cells[value].number?.text, "99.9")
        XCTAssertEqual(row237.cells[value].number?.scale, 1)
        XCTAssertEqual(table.rows.first { $0.line == 247 }?.cells[value], .text("排名前三"))
    }

    func testCellsAreCleanedOfWrapAndLetterSpacing() throws {
        let table02 = try document.table("预算02表")
        XCTAssertEqual(table02.columns[3].name, "本年收入/政府性基金预算资金")
        let table12 = try document.table("预算表12")
        XCTAssertEqual(table12.rows.first?.cells[0], .text("11000022Y000000426179-北京市政府门户网站运维"))
        XCTAssertTrue(table12.rows.contains { $0.cells[4].text?.contains("</p> <p>") ?? false }, "HTML-ish text is left as is")
    }

    func testRawTextKeepsCellsAsExtracted() throws {
        let raw = try read(try sampleText(), options: TextReadOptions(rawText: true))
        let table12 = try raw.table("预算表12")
        XCTAssertEqual(table12.rows.first?.cells[0], .text("11000022Y0000 00426179-北京 市政府门户网 站运维"))
        XCTAssertEqual(try raw.table("预算01表").header[0][0].text, "收 入")
        XCTAssertEqual(try raw.table("预算03表").rows.last?.cells[0], .text("合 计"))
        XCTAssertEqual(try raw.table("预算03表").rows.last?.kind, .total, "analysis still sees the clean label")
    }

    func testNothingIsLost() throws {
        assertNothingLost(try sampleText(), document)
    }

    func testTheNothingLostCheckSeesADroppedRow() throws {
        var damaged = document!
        damaged.tables[2].rows.removeLast()
        XCTAssertFalse(lostScalars(try sampleText(), damaged).isEmpty)
    }
}
