import XCTest
import TableModel
@testable import Checks

/// Each rule on the smallest table that shows it; the same rules in English and in Chinese.
final class IdentityRuleTests: XCTestCase {
    /// Two header levels, subtotal rows under group headings, a total row, and an "of which" column.
    private func regionalTable(english: Bool) -> Table {
        let words = english
            ? ["Region", "Total", "Operating", "Subtotal", "Staff", "Supplies", "Capital", "Buildings", "Of which: IT",
               "North division", "North A", "North B", "South division", "South A", "Grand total"]
            : ["地区", "合计", "经常性支出", "小计", "人员", "物资", "资本性支出", "建筑", "其中：信息化",
               "北区", "北甲", "北乙", "南区", "南甲", "总计"]
        let subtotal = words[3]
        return TableBuilding.table("T1", paths: [[words[0]], [words[1]], [words[2], words[3]], [words[2], words[4]],
                                                 [words[2], words[5]], [words[6], words[3]], [words[6], words[7]],
                                                 [words[6], words[8]]], rows: [
            (10, "\(words[9])\t\t\t\t\t\t\t"),
            (11, "\(words[10])\t60\t40\t30\t10\t20\t20\t5"),
            (12, "\(words[11])\t15\t15\t10\t5\t\t\t"),
            (13, "\(subtotal)\t75\t55\t40\t15\t20\t20\t5"),
            (14, "\(words[12])\t\t\t\t\t\t\t"),
            (15, "\(words[13])\t25.50\t25.50\t20.25\t5.25\t\t\t"),
            (16, "\(subtotal)\t25.50\t25.50\t20.25\t5.25\t\t\t"),
            (17, "\(words[14])\t100.50\t80.50\t60.25\t20.25\t20\t20\t5"),
        ])
    }

    private func shape(_ report: CheckReport) -> [String] {
        report.identities.map { identity in
            "\(identity.kind.rawValue) \(identity.statedCell.row):\(identity.statedCell.column) "
                + identity.parts.map { "\($0.position.row):\($0.position.column)" }.joined(separator: ",")
                + " \(identity.status.name)"
        }
    }

    func testEnglishLabelsGiveTheSameChecksAsChinese() {
        let english = Checks.run(TableBuilding.document([regionalTable(english: true)]))
        let chinese = Checks.run(TableBuilding.document([regionalTable(english: false)]))
        XCTAssertEqual(shape(english), shape(chinese))
        // Row totals: Total = the two Subtotal columns (6 rows); Operating/Subtotal = Staff +
        // Supplies (6 rows); Capital/Subtotal = Buildings, not "Of which: IT" (3 rows with amounts).
        // Column totals: 2 subtotal rows (7 and 4 columns with amounts) and the total row (7).
        XCTAssertEqual(english.identities.filter { $0.kind == .rowTotal }.count, 15)
        XCTAssertEqual(english.identities.filter { $0.kind == .columnTotal }.count, 18)
        XCTAssertEqual(english.checkedCount, 33)
        XCTAssertEqual(english.failed.count, 0)
        XCTAssertEqual(english.unverified.count, 0)
        let capital = english.identities.first { $0.kind == .rowTotal && $0.statedCell == CellPosition(row: 1, column: 5) }
        XCTAssertEqual(capital?.subject, "Capital/Subtotal = Capital/Buildings (North A)")
        let grandTotal = english.identities.first { $0.statedCell == CellPosition(row: 7, column: 1) && $0.kind == .columnTotal }
        XCTAssertEqual(grandTotal?.parts.map(\.position.row), [3, 6], "the total sums the subtotals, not their rows too")
    }

    func testMutatedEnglishCellFailsOnlyItsIdentities() {
        let table = regionalTable(english: true)
        let mutated = TableBuilding.mutating(table, at: (1, 2), by: 1)  // North A, Operating/Subtotal: 40 → 41
        let report = Checks.run(TableBuilding.document([mutated]))
        XCTAssertEqual(report.failed.map(\.description), [
            "T1 Total = Operating/Subtotal + Capital/Subtotal (North A) (line 11)",
            "T1 Operating/Subtotal = Operating/Staff + Operating/Supplies (North A) (line 11)",
            "T1 Subtotal column Operating/Subtotal (line 13)",
        ])
        XCTAssertTrue(report.renderText(file: "r.csv").contains(
            "r.csv:13: T1 Subtotal column Operating/Subtotal: stated 55, sum 56 (difference 1)"))
    }

    func testSubtotalClosesTheRowsUnderItsGroupHeading() {
        let table = TableBuilding.table("T", paths: [["Item"], ["Amount"]], rows: [
            (1, "A\t1"), (2, "B\t2"), (3, "Group X\t"), (4, "x1\t3"), (5, "x2\t4"), (6, "Subtotal\t7"), (7, "Total\t10"),
        ])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.failed.count, 0)
        XCTAssertEqual(report.identities.map { $0.parts.compactMap(\.line) }, [[4, 5], [1, 2, 6]])
    }

    func testEmptyItemInsideASubtotalBlockCountsAsZero() {
        let table = TableBuilding.table("T", paths: [["Item"], ["Amount"]], rows: [
            (1, "x1\t3"), (2, "x2\t"), (3, "x3\t4"), (4, "Subtotal\t7"),
        ])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.identities.map(\.status), [.held])
        XCTAssertEqual(report.identities.first?.parts.compactMap(\.line), [1, 2, 3])
    }

    func testCodesThatExtendTheCodeAboveAreItsSubLines() {
        let table = TableBuilding.table("预算表", paths: [["科目编码"], ["科目名称"], ["金额"]], rows: [
            (1, "201\t一般公共服务支出\t100.00"), (2, "20103\t政府办公厅\t100.00"), (3, "2010301\t行政运行\t60.00"),
            (4, "2010350\t事业运行\t40.00"), (5, "208\t社会保障和就业支出\t10.00"), (6, "20805\t养老支出\t10.00"),
            (7, "\t合计\t110.00"),
        ])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.failed.count, 0)
        XCTAssertEqual(report.identities.map { "\($0.kind.rawValue) \($0.line ?? 0)=\($0.parts.compactMap(\.line))" }, [
            "breakdown 1=[2]", "breakdown 2=[3, 4]", "breakdown 5=[6]", "column-total 7=[1, 5]",
        ])
        let mutated = TableBuilding.mutating(table, at: (2, 2), by: 1)
        XCTAssertEqual(Checks.run(TableBuilding.document([mutated])).failed.map(\.line), [2])
    }

    func testEmptyTotalBesideAmountsIsUnverifiedNotFailed() {
        let table = TableBuilding.table("T", paths: [["Item"], ["Amount"]], rows: [(1, "a\t1.5"), (2, "Total\t")])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.failed.count, 0)
        XCTAssertEqual(report.unverified.map(\.line), [2])
        XCTAssertTrue(report.renderText(file: "t.csv").contains("t.csv:2: T Total column Amount: unverified: the total is empty while its parts hold amounts"))
    }

    func testTextInAnAmountCellIsUnverified() {
        let table = TableBuilding.table("T", paths: [["Item"], ["Total"], ["A"], ["B"]], rows: [
            (1, "x\t3\t1\tn/a"), (2, "y\t2\t1\t1"), (3, "z\t2\t1\t-"),
        ])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.identities.map(\.status.name), ["unverified", "held", "failed"])
        XCTAssertEqual(report.identities[2].difference?.text, "-1", "a dash is zero")
    }

    func testComparisonColumnsAreNotSummed() {
        let table = TableBuilding.table("T", paths: [["Item"], ["Total"], ["Staff"], ["Change %"]], rows: [(1, "x\t10\t10\t5.0")])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.identities.count, 0)
        XCTAssertEqual(report.skipped.map(\.reason), ["its sibling Change % is a rate or a change: the group states a comparison, not a sum"])
    }

    func testTableWithoutTotalsSaysSo() {
        let table = TableBuilding.table("T", paths: [["Item"], ["2025"], ["2026"]], rows: [(1, "x\t10\t12")])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.skipped.map(\.reason), ["no total row or total column states an identity"])
        XCTAssertEqual(report.renderText(file: "t.csv"), "t.csv: T: not checked: no total row or total column states an identity\n0 identities checked in 0 tables, 0 failed, 1 not checked\n")
    }

    func testStatementSidesWithFlatHeadersAreWalkedApart() {
        let table = TableBuilding.table("Statement", paths: [["Item"], ["Amount"], ["Item"], ["Amount"]], rows: [
            (1, "Taxes\t70\tSalaries\t50"), (2, "Fees\t30\tRent\t40"), (3, "Total revenue\t100\tTotal expenditure\t90"),
            (4, "Carried forward\t5\tCarried to next year\t15"), (5, "Grand total\t105\tGrand total\t105"),
        ])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.failed.count, 0)
        XCTAssertEqual(report.identities.map(\.subject), [
            "Total revenue column Amount", "Total expenditure column Amount", "Grand total column Amount",
            "Grand total = Grand total", "Grand total column Amount",
        ])
    }

    func testEnumerationMarkers() {
        XCTAssertEqual(Labels.enumeration(of: "一、一般公共预算拨款"), .init(style: .chinese, ordinal: 1))
        XCTAssertEqual(Labels.enumeration(of: "二十六、抗疫特别国债安排的支出"), .init(style: .chinese, ordinal: 26))
        XCTAssertEqual(Labels.enumeration(of: "（三）其他"), .init(style: .chineseParenthesized, ordinal: 3))
        XCTAssertEqual(Labels.enumeration(of: "2. Fees"), .init(style: .arabic, ordinal: 2))
        XCTAssertNil(Labels.enumeration(of: "1.5 million"))
        XCTAssertNil(Labels.enumeration(of: "上年结转结余"))
        XCTAssertNil(Labels.enumeration(of: "2010350-事业运行"))
    }

    func testLabelsThatStateTotals() {
        for label in ["合计", "合 计", "小计", "项目支出总数", "“三公”经费财政拨款预算总额", "Total", "Subtotal", "Total (USD)"] {
            XCTAssertTrue(Labels.isTotalColumn(label), label)
        }
        for label in ["人员经费", "扣除基建项目后预算数", "Totally new", "Amount"] {
            XCTAssertFalse(Labels.isTotalColumn(label), label)
        }
        XCTAssertEqual(["小计", "本年收入合计", "收入总计", "Grand total", "Total revenue", "Subtotal", "上年结转结余"]
            .map(Labels.closingLevel(ofRowLabel:)), [1, 2, 3, 3, 2, 1, 0])
        XCTAssertTrue(Labels.isOfWhich("其中：财政资金"))
        XCTAssertTrue(Labels.isOfWhich("扣除基建项目后预算数"))
        XCTAssertTrue(Labels.isOfWhich("of which: IT"))
    }
}

extension IdentityRuleTests {
    func testIndicatorAmountsAfterLabelColumnsAreNotPartsOfTheProjectTotal() {
        // Modelled on table 12: 项目总额 | 其中：财政资金, 其他资金 | 绩效目标 … | 本年绩效指标值 (numbers and text).
        let table = TableBuilding.table("预算表12", paths: [["项目名称"], ["项目总额"], ["其中：", "财政资金"], ["其中：", "其他资金"],
                                                         ["绩效目标"], ["三级指标"], ["本年绩效指标值"], ["绩效度量单位"]], rows: [
            (222, "北京市政府门户网站运维\t1744.971890\t1744.971890\t\t目标1\t\t\t"),
            (223, "\t\t\t\t\t热点专题上线时限\t24\t小时"),
            (247, "\t\t\t\t\t国内各类政府网站评估名列前茅\t排名前三\t"),
        ])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.identities.count, 0)
        XCTAssertEqual(report.skipped.map(\.reason), ["its sibling columns (其中：) are “of which” subsets, not addends"])
    }
}

extension IdentityRuleTests {
    func testTotalPrintedAboveItsRowsClosesTheRowsBelow() {
        let table = TableBuilding.table("T", paths: [["科目名称"], ["合计"], ["基本支出"], ["项目支出"]], rows: [
            (5, "合计\t10.5\t4.5\t6.0"), (6, "甲\t4.5\t4.5\t"), (7, "乙\t6.0\t\t6.0"),
        ])
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.failed.count, 0)
        XCTAssertEqual(report.unverified.count, 0)
        XCTAssertEqual(report.identities.filter { $0.kind == .columnTotal }.map { $0.parts.compactMap(\.line) },
                       [[6, 7], [6, 7], [6, 7]])
        let mutated = TableBuilding.mutating(table, at: (2, 3), by: 1)
        XCTAssertEqual(Checks.run(TableBuilding.document([mutated])).failed.map(\.description),
                       ["T 合计 column 项目支出 (line 5)", "T 合计 = 基本支出 + 项目支出 (乙) (line 7)"])
    }
}

extension IdentityRuleTests {
    func testSumsAreExactAcrossScalesSignsAndBeyondSixtyFourBits() {
        var sum = ExactSum()
        for text in ["1.5", "-0.25", "10", "0.000001", "-0.00"] { sum.add(ExactDecimal(text)!) }
        XCTAssertEqual(ExactDecimal(sum.decimal, scale: sum.scale).text, "11.250001")
        var big = ExactSum()
        for text in ["9223372036854775.807", "9223372036854775.807", "0.0000001"] { big.add(ExactDecimal(text)!) }
        XCTAssertEqual(ExactDecimal(big.decimal, scale: big.scale).text, "18446744073709551.6140001")
    }
}
