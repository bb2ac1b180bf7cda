import Foundation
import TableModel
import XCTest
@testable import TextTables

/// Forms (table 13 of the sample and variants of it): key–value rows become notes, each block
/// with its own header becomes a section read as its own table.
final class FormTableTests: XCTestCase {
    /// Table 13 of the sample with other names, amounts and year, a shorter goal, an indicator
    /// with a text value and the indicator header repeated after a page break.
    static let chineseForm = """
        预算13表 单位整体支出绩效目标表
        (2027年度)
        单位名称\t\t北京市示例数据中心\t\t\t\t\t
        总体资金情况（万元）\t\t预算支出总额\t财政拨款\t\t\t其他资金\t
        \t\t\t合计\t基本支出\t项目支出\t合计\t基本支出
        \t\t2,345.670000\t2,300.000000\t500.250000\t1,799.750000\t45.670000\t45.670000
        整体绩效目标\t整体绩效目标\t保障数据平台稳定运行，提升数据共享服务水平。\t\t\t\t\t
        \t其他说明\t\t\t\t\t\t
        \t活动\t绩效指标\t指标性质\t指标值\t度量单位\t\t
        整体绩效目标\t数据平台运维活动\t数据接入数量\t≥\t120\t个\t\t
        \t数据平台运维活动\t平台可用率\t≥\t99.5\t%\t\t
        \t数据平台运维活动\t用户评价\t定性\t良好\t\t\t

        \t活动\t绩效指标\t指标性质\t指标值\t度量单位
        整体绩效目标\t数据共享服务活动\t共享接口调用次数\t≥\t30000\t次
        \t数据共享服务活动\t响应时间\t≤\t2\t小时

        """

    static let englishForm = """
        Table 13 Organisation performance targets
        (Year 2026)
        Organisation\t\tCity Data Office\t\t\t\t\t
        Funds overview (USD thousand)\t\tTotal budget\tAppropriations\t\t\tOther funds\t
        \t\t\tTotal\tBasic\tProject\tTotal\tBasic
        \t\t1,200.00\t1,000.00\t400.00\t600.00\t200.00\t200.00
        Overall goal\tOverall goal\tKeep the city portal running and easy to use for residents and firms.\t\t\t\t\t
        \tOther remarks\t\t\t\t\t\t
        \tActivity\tIndicator\tKind\tTarget\tUnit\t\t
        Overall goal\tPortal operations\tPages translated\t≥\t500\tpages\t\t
        \tPortal operations\tUptime\t≥\t99.9\t%\t\t
        \tPortal operations\tUser rating\tqualitative\tgood\t\t\t

        """

    // MARK: The sample

    func testSampleFormKeyValueRowsAreNotesNotHeaderRows() throws {
        let document = try read(try sampleText())
        let funds = try document.table("预算13表")
        XCTAssertEqual(Array(funds.notes.prefix(4)), ["(2026年度)", "section 1 of 2 of the form 预算13表", "单位名称：首都之窗运行管理中心",
                                                      funds.notes[3]])
        XCTAssertTrue(funds.notes[3].hasPrefix("整体绩效目标：<p>1. 持续优化"))
        XCTAssertEqual(funds.notes.last, "其他说明：", "a label without a value is kept")
        let allTexts = funds.header.flatMap { $0.map(\.text) } + funds.columns.flatMap(\.path)
        XCTAssertFalse(allTexts.contains { $0.contains("单位名称") || $0.contains("首都之窗运行管理中心") })
        XCTAssertEqual(document.diagnostics.filter { $0.message.contains("key–value row of the form") }.compactMap(\.line),
                       [396, 400, 401])
    }

    func testSampleFundsBlockHasItsTwoLevelHeaderAndItsRowLabel() throws {
        let funds = try read(try sampleText()).table("预算13表")
        XCTAssertEqual(funds.columns.map(\.name), ["Column 1", "预算支出总额", "财政拨款/合计", "财政拨款/基本支出", "财政拨款/项目支出",
                                                   "其他资金/合计", "其他资金/基本支出"])
        XCTAssertEqual(funds.header, [
            [HeaderCell(text: "预算支出总额", column: 1, rowSpan: 2), HeaderCell(text: "财政拨款", column: 2, columnSpan: 3),
             HeaderCell(text: "其他资金", column: 5, columnSpan: 2)],
            [HeaderCell(text: "合计", column: 2), HeaderCell(text: "基本支出", column: 3), HeaderCell(text: "项目支出", column: 4),
             HeaderCell(text: "合计", column: 5), HeaderCell(text: "基本支出", column: 6)],
        ])
        XCTAssertEqual(funds.rows.count, 1)
        let row = try XCTUnwrap(funds.rows.first)
        XCTAssertEqual(row.line, 399)
        XCTAssertEqual(row.cells[0], .text("总体资金情况（万元）"), "the label printed left of the header labels the row")
        XCTAssertEqual(row.cells.dropFirst().map { $0.number?.text },
                       ["10110.053787", "10103.053787", "1315.061020", "8787.992767", "7.000000", "7.000000"])
    }

    func testSampleIndicatorListIsASectionWithItsOwnHeader() throws {
        let document = try read(try sampleText())
        let indicators = try document.table("预算13表-2")
        XCTAssertEqual(indicators.title, "单位整体支出绩效目标表")
        XCTAssertEqual(indicators.head.line, 402)
        XCTAssertEqual(indicators.notes, ["(2026年度)", "section 2 of 2 of the form 预算13表", "单位名称：首都之窗运行管理中心"])
        XCTAssertEqual(indicators.columns.map(\.name), ["Column 1", "活动", "绩效指标", "指标性质", "指标值", "度量单位"])
        XCTAssertEqual(indicators.rows.count, 27)
        XCTAssertEqual(indicators.rows.filter { $0.cells[0] == .text("整体绩效目标") }.compactMap(\.line), [403, 416])
        XCTAssertEqual(indicators.rows.first { $0.line == 427 }?.cells.map(\.plainText),
                       ["", "首都之窗网站日常管理活动", "国内各类政府网站评估名列前茅", "定性", "排名前三", ""],
                       "a row of labels that repeats the list's texts is data, not a new header")
        XCTAssertTrue(document.diagnostics.contains { $0.line == 402 && $0.message.contains("opens section 2") })
        assertNothingLost(try sampleText(), document)
    }

    // MARK: Variants

    func testChineseFormVariantHasTheSameSections() throws {
        let document = try read(Self.chineseForm)
        XCTAssertEqual(document.tables.map(\.id), ["预算13表", "预算13表-2"])
        let funds = try document.table("预算13表")
        XCTAssertEqual(funds.notes, ["(2027年度)", "section 1 of 2 of the form 预算13表", "单位名称：北京市示例数据中心",
                                     "整体绩效目标：保障数据平台稳定运行，提升数据共享服务水平。", "其他说明："])
        XCTAssertEqual(funds.columns.map(\.name), ["Column 1", "预算支出总额", "财政拨款/合计", "财政拨款/基本支出", "财政拨款/项目支出",
                                                   "其他资金/合计", "其他资金/基本支出"])
        XCTAssertEqual(funds.rows.map { $0.cells.map(\.plainText) },
                       [["总体资金情况（万元）", "2345.670000", "2300.000000", "500.250000", "1799.750000", "45.670000", "45.670000"]])
        let indicators = try document.table("预算13表-2")
        XCTAssertEqual(indicators.columns.map(\.name), ["Column 1", "活动", "绩效指标", "指标性质", "指标值", "度量单位"])
        XCTAssertEqual(indicators.rows.map { $0.cells[2].plainText }, ["数据接入数量", "平台可用率", "用户评价", "共享接口调用次数", "响应时间"])
        XCTAssertEqual(indicators.rows.first { $0.cells[2] == .text("用户评价") }?.cells[4], .text("良好"))
        XCTAssertTrue(document.diagnostics.contains { $0.line == 14 && $0.message.contains("repeated header row merged") })
        assertNothingLost(Self.chineseForm, document)
    }

    func testEnglishFormHasTheSameSections() throws {
        let document = try read(Self.englishForm)
        XCTAssertEqual(document.tables.map(\.id), ["Table 13", "Table 13-2"])
        let funds = try document.table("Table 13")
        XCTAssertEqual(funds.notes, ["(Year 2026)", "section 1 of 2 of the form Table 13", "Organisation: City Data Office",
                                     "Overall goal: Keep the city portal running and easy to use for residents and firms.",
                                     "Other remarks:"])
        XCTAssertEqual(funds.columns.map(\.name), ["Column 1", "Total budget", "Appropriations/Total", "Appropriations/Basic",
                                                   "Appropriations/Project", "Other funds/Total", "Other funds/Basic"])
        XCTAssertEqual(funds.rows.first?.cells.first, .text("Funds overview (USD thousand)"))
        XCTAssertEqual(funds.rows.first?.cells[2].number?.text, "1000.00")
        let indicators = try document.table("Table 13-2")
        XCTAssertEqual(indicators.notes.last, "Organisation: City Data Office", "the form's leading key–value rows go to every section")
        XCTAssertEqual(indicators.columns.map(\.name), ["Column 1", "Activity", "Indicator", "Kind", "Target", "Unit"])
        XCTAssertEqual(indicators.rows.count, 3)
        assertNothingLost(Self.englishForm, document)
    }

    func testFormWithoutCaptionGetsNumberedSectionIDs() throws {
        let body = Self.englishForm.components(separatedBy: "\n").dropFirst(2).joined(separator: "\n")
        let document = try read(body)
        XCTAssertEqual(document.tables.map(\.id), ["table-1", "table-1-2"])
    }

    func testRawTextKeepsKeyValueNotesAsExtracted() throws {
        let form = Self.chineseForm.replacingOccurrences(of: "北京市示例数据中心", with: "北京市示例 数据中心")
        let cleaned = try read(form).table("预算13表")
        XCTAssertTrue(cleaned.notes.contains("单位名称：北京市示例数据中心"))
        let raw = try read(form, options: TextReadOptions(rawText: true)).table("预算13表")
        XCTAssertTrue(raw.notes.contains("单位名称：北京市示例 数据中心"))
    }

    // MARK: Grids stay grids

    func testTwoGroupHeaderOverDataIsNoKeyValueRow() throws {
        let text = """
            Table 1 Revenue and expenditure
            Revenue\t\tExpenditure\t
            Item\tAmount\tItem\tAmount
            Grants\t10.5\tSalaries\t8.0
            Fees\t2.0\tRent\t4.5

            """
        let document = try read(text)
        XCTAssertEqual(document.tables.count, 1)
        let table = try document.table("Table 1")
        XCTAssertEqual(table.notes, [])
        XCTAssertEqual(table.columns.map(\.name), ["Revenue/Item", "Revenue/Amount", "Expenditure/Item", "Expenditure/Amount"])
        XCTAssertEqual(table.rows.count, 2)
    }

    func testRowOfNewLabelsOverTheDataColumnsIsData() throws {
        // A text-valued indicator with all-new texts, under the same columns as the data above:
        // a row of the list, not the header of a new section.
        let text = """
            Table 2 Indicators
            Indicator\tKind\tValue\tUnit
            Uptime\t≥\t99.9\t%
            Rating\tqualitative\tgood\t
            Response\t≤\t2\thours

            """
        let document = try read(text)
        XCTAssertEqual(document.tables.map(\.id), ["Table 2"])
        XCTAssertEqual(try document.table("Table 2").rows.map { $0.cells[0].plainText }, ["Uptime", "Rating", "Response"])
    }
}
