import TableModel
import XCTest

final class TableLabelsTests: XCTestCase {
    func testCaptionsSplitIntoIDAndTitle() {
        let cases: [(String, String, String)] = [
            ("预算01表 收支总表", "预算01表", "收支总表"),
            ("预算表12 项目支出绩效目标表", "预算表12", "项目支出绩效目标表"),
            ("预算 05 表 一般公共预算支出表", "预算05表", "一般公共预算支出表"),
            ("表3 一般公共预算支出表", "表3", "一般公共预算支出表"),
            ("附表1-2：收入明细", "附表1-2", "收入明细"),
            ("表一 收入", "表一", "收入"),
            ("预算08表", "预算08表", ""),
            ("预算13表-2 单位整体支出绩效目标表", "预算13表-2", "单位整体支出绩效目标表"),
            ("预算01表-收支总表", "预算01表", "收支总表"),
            ("预算01表-2026年收支总表", "预算01表", "2026年收支总表"),
            ("Table 2: Revenue", "Table 2", "Revenue"),
            ("Table 1 Revenue", "Table 1", "Revenue"),
            ("TABLE 3.1 — Staff", "TABLE 3.1", "Staff"),
            ("Table: 5 Public Health Outlay", "Table: 5", "Public Health Outlay"),
            ("Table CA7. Access to services", "Table CA7", "Access to services"),
            ("Table A4-12.", "Table A4-12", ""),
        ]
        for (line, id, title) in cases {
            XCTAssertEqual(TableLabels.caption(line), TableCaption(id: id, title: title), line)
        }
        for line in ["一般公共预算支出表", "表格说明", "Tables of contents", "表3显示收入增长。", "Tablet 3 x", "Table: summary", "Table ABCD1 x", "Table Afghanistan", "合计", "budget"] {
            XCTAssertNil(TableLabels.caption(line), line)
        }
    }

    func testUnitLines() {
        XCTAssertEqual(TableLabels.unit("金额单位：万元")?.unit, "万元")
        XCTAssertEqual(TableLabels.unit("金额单位：万元")?.label, "金额单位")
        XCTAssertEqual(TableLabels.unit("单位：元")?.unit, "元")
        XCTAssertEqual(TableLabels.unit("（单位：万元）")?.unit, "万元")
        XCTAssertEqual(TableLabels.unit("Unit: USD thousand")?.unit, "USD thousand")
        XCTAssertEqual(TableLabels.unit("金 额 单 位 ： 万元")?.unit, "万元")
        XCTAssertNil(TableLabels.unit("编制单位：首都之窗运行管理中心"), "an issuing body is no unit")
        XCTAssertNil(TableLabels.unit("(2026年度)"))
        XCTAssertNil(TableLabels.unit("单位："), "no unit after the label")
    }

    func testTotalLabels() {
        for label in ["合计", "合 计", "总计", "本年收入合计", "本年支出合计", "收入总计", "支出总计", "合计：", "Total", "Grand total", "TOTAL"] {
            XCTAssertEqual(TableLabels.totalKind(label), .total, label)
        }
        for label in ["小计", "小 计", "Subtotal", "Sub-total"] {
            XCTAssertEqual(TableLabels.totalKind(label), .subtotal, label)
        }
        for label in ["上年结转结余", "一、一般公共预算拨款收入", "Totally", "项目支出总数", "“三公”经费财政拨款预算总额", ""] {
            XCTAssertNil(TableLabels.totalKind(label), label)
        }
    }

    func testRowKindComesFromTheFirstLabelThatIsNoNumber() {
        XCTAssertEqual(TableLabels.rowKind([.empty, .text("合 计"), .number(ExactDecimal("12.5")!)]), .total)
        XCTAssertEqual(TableLabels.rowKind([.text("2010301"), .text("小计"), .number(ExactDecimal("1")!)]), .subtotal,
                       "a code that reads as a number is no label")
        XCTAssertEqual(TableLabels.rowKind([.number(ExactDecimal("3")!), .text("Total")]), .total)
        XCTAssertEqual(TableLabels.rowKind([.text("一般公共服务支出"), .text("合计")]), .data, "only the first label decides")
        XCTAssertEqual(TableLabels.rowKind([.empty, .number(ExactDecimal("3")!)]), .data)
    }
}
