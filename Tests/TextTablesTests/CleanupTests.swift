import TableModel
import XCTest
@testable import TextTables

/// The small rules: text cleanup, captions, unit lines, labels.
final class CleanupTests: XCTestCase {
    func testSpacesBetweenCJKCharactersGo() {
        XCTAssertEqual(TextCleanup.clean("收 入"), "收入")
        XCTAssertEqual(TextCleanup.clean("合 计"), "合计")
        XCTAssertEqual(TextCleanup.clean("一般公共预算 资金"), "一般公共预算资金")
        XCTAssertEqual(TextCleanup.clean("政府性基金预 算资金"), "政府性基金预算资金")
        XCTAssertEqual(TextCleanup.clean("年度政策事项、 年度政策打标"), "年度政策事项、年度政策打标")
        XCTAssertEqual(TextCleanup.clean("预　算"), "预算", "an ideographic space too")
        XCTAssertEqual(TextCleanup.clean("  项 目 \t"), "项目", "trimmed")
    }

    func testBrokenIdentifiersAreJoined() {
        XCTAssertEqual(TextCleanup.clean("11000022Y0000 00426179-北京 市政府门户网 站运维"),
                       "11000022Y000000426179-北京市政府门户网站运维")
        XCTAssertEqual(TextCleanup.clean("11000024T0000 02756237-档案数字化整理"), "11000024T000002756237-档案数字化整理")
    }

    func testOtherSpacesStay() {
        XCTAssertEqual(TextCleanup.clean("General public services"), "General public services")
        XCTAssertEqual(TextCleanup.clean("1 2"), "1 2")
        XCTAssertEqual(TextCleanup.clean("2023 2024-25"), "2023 2024-25", "too short to be a broken code")
        XCTAssertEqual(TextCleanup.clean("Q1 2024-25 forecast"), "Q1 2024-25 forecast")
        XCTAssertEqual(TextCleanup.clean("</p> <p>目标"), "</p> <p>目标")
        XCTAssertEqual(TextCleanup.clean("应用AI 新技术"), "应用AI 新技术", "a space beside Latin letters is kept")
        XCTAssertEqual(TextCleanup.clean("<p>1. 持续优化"), "<p>1. 持续优化")
    }

    func testCaptions() {
        let cases: [(String, String, String)] = [
            ("预算01表 收支总表", "预算01表", "收支总表"),
            ("预算表12 项目支出绩效目标表", "预算表12", "项目支出绩效目标表"),
            ("表3 一般公共预算支出表", "表3", "一般公共预算支出表"),
            ("附表1-2：收入明细", "附表1-2", "收入明细"),
            ("表一 收入", "表一", "收入"),
            ("Table 2: Spending by function", "Table 2", "Spending by function"),
            ("Table 1 Revenue", "Table 1", "Revenue"),
            ("TABLE 3.1 — Staff", "TABLE 3.1", "Staff"),
        ]
        for (line, id, title) in cases {
            XCTAssertEqual(CaptionParsing.caption(line), Caption(id: id, title: title), line)
        }
        for line in ["一般公共预算支出表", "表格说明", "Tables of contents", "表3显示收入增长。", "Tablet 3 x", "合计"] {
            XCTAssertNil(CaptionParsing.caption(line), line)
        }
    }

    func testUnitLines() {
        XCTAssertEqual(CaptionParsing.unit("金额单位：万元")?.unit, "万元")
        XCTAssertEqual(CaptionParsing.unit("单位：元")?.unit, "元")
        XCTAssertEqual(CaptionParsing.unit("（单位：万元）")?.unit, "万元")
        XCTAssertEqual(CaptionParsing.unit("Unit: USD thousand")?.unit, "USD thousand")
        XCTAssertNil(CaptionParsing.unit("编制单位：首都之窗运行管理中心"), "an issuing body is no unit")
        XCTAssertNil(CaptionParsing.unit("(2026年度)"))
    }

    func testTotalLabels() {
        for label in ["合计", "合 计", "总计", "本年收入合计", "本年支出合计", "收入总计", "支出总计", "Total", "Grand total", "TOTAL"] {
            XCTAssertEqual(CellLabels.totalKind(label), .total, label)
        }
        for label in ["小计", "Subtotal", "Sub-total"] {
            XCTAssertEqual(CellLabels.totalKind(label), .subtotal, label)
        }
        for label in ["上年结转结余", "一、一般公共预算拨款收入", "Totally", "项目支出总数", "“三公”经费财政拨款预算总额"] {
            XCTAssertNil(CellLabels.totalKind(label), label)
        }
        XCTAssertTrue(CellLabels.isGroupOpening("项目支出总数"))
        XCTAssertTrue(CellLabels.isGroupOpening("小计"))
        XCTAssertFalse(CellLabels.isGroupOpening("其他收入"))
    }

    func testCodeNames() {
        XCTAssertEqual(CellLabels.codeName("2010350-事业运行").map { "\($0.code)|\($0.name)" }, "2010350|事业运行")
        XCTAssertEqual(CellLabels.codeName("A-货物").map { "\($0.code)|\($0.name)" }, "A|货物")
        XCTAssertEqual(CellLabels.codeName("11000022Y000000426179-北京市").map { String($0.code) }, "11000022Y000000426179")
        for text in ["2024-25", "X-ray", "-5", "事业-运行", "COVID-19"] {
            XCTAssertNil(CellLabels.codeName(text), text)
        }
    }

    func testAmountUnits() {
        XCTAssertEqual(AmountUnit("万元"), AmountUnit(base: "元", exponent: 4))
        XCTAssertEqual(AmountUnit("千元"), AmountUnit(base: "元", exponent: 3))
        XCTAssertEqual(AmountUnit("元"), AmountUnit(base: "元", exponent: 0))
        XCTAssertEqual(AmountUnit("USD thousand"), AmountUnit(base: "USD", exponent: 3))
        XCTAssertEqual(AmountUnit("thousands of USD"), AmountUnit(base: "USD", exponent: 3))
        XCTAssertNil(AmountUnit("人"))
        XCTAssertNil(AmountUnit("thousand"))
    }

    func testExactGroupSums() {
        let parts = [ArithmeticValue("217.301157"), ArithmeticValue(""), ArithmeticValue("7.000000")]
        let difference = ArithmeticValue.sum([ArithmeticValue("224.301157")] + parts.map(\.negated))
        XCTAssertEqual(difference?.significand, 0)
        XCTAssertEqual(ArithmeticValue.sum([ArithmeticValue("1.5"), ArithmeticValue("2.25")])?.significand, 375)
        XCTAssertNil(ArithmeticValue.sum([ArithmeticValue("小计")]))
    }
}
