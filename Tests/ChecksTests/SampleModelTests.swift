import XCTest
import TableModel
@testable import Checks

/// The identities of the sample's tables, modelled as the text reader models them.
final class SampleModelTests: XCTestCase {
    private let millionth = Decimal(sign: .plus, exponent: -6, significand: 1)

    func testEveryIdentityOfTheSampleTablesHolds() {
        let report = Checks.run(TableBuilding.document(SampleTables.all))
        XCTAssertEqual(report.failed.map(\.description), [])
        XCTAssertEqual(report.unverified.map(\.description), [])
        let counts = Dictionary(uniqueKeysWithValues: report.checkedCountsByTable.map { ($0.tableID, $0.count) })
        // 01/04: two column totals, two grand totals and their balance (04 also 上年结转结余 = its
        // sub-lines); 02: 合计 and two 小计 columns; 03: 3 column totals + 32 rows of 合计 =
        // 基本支出 + 项目支出; 05: 6 column totals + 11 rows of 合计 + 9 rows of 基本支出/小计;
        // 06: 3 column totals + 24 rows; 09: 总额 = its parts; 10: one column total.
        XCTAssertEqual(counts, ["预算01表": 5, "预算02表": 3, "预算03表": 35, "预算04表": 6, "预算05表": 26,
                                "预算06表": 27, "预算09表": 1, "预算10表": 1])
        XCTAssertEqual(report.checkedCount, 104)
        XCTAssertEqual(report.checkedTableCount, 8)
        XCTAssertTrue(report.renderText(file: "budget.txt").hasSuffix("104 identities checked in 8 tables, 0 failed, 3 not checked\n"))
    }

    func testWhatIsNotCheckedIsListedWithTheReason() {
        let report = Checks.run(TableBuilding.document(SampleTables.all))
        let skipped = report.skipped.map { "\($0.tableID) \($0.subject): \($0.reason)" }
        XCTAssertEqual(skipped, [
            "预算05表 预算数/项目支出/项目支出总数: its sibling columns (扣除基建项目后预算数) are “of which” subsets, not addends",
            "预算07表 : the table holds no amounts",
            "预算09表 公务用车购置及运行维护费/小计 = 公务用车购置及运行维护费/公务用车购置费 + 公务用车购置及运行维护费/公务用车运行维护费: no row holds amounts in these columns",
        ])
    }

    func testStatementsSideBySideFollowTheirLabels() {
        let report = Checks.run(TableBuilding.document([SampleTables.table04]))
        let subjects = report.identities.map { identity -> String in
            let lines = identity.parts.map { String($0.line ?? 0) }
            let parts = lines.count > 4 ? "\(lines.count) lines from \(lines[0])" : lines.joined(separator: "+")
            return "\(identity.line ?? 0) \(identity.subject) = \(parts)"
        }
        XCTAssertEqual(subjects, [
            "118 本年收入合计 column 收入/预算数 = 92+93+94",
            "118 本年支出合计 column 支出/预算数 = 26 lines from 92",
            "119 上年结转结余 column 收入/预算数 = its sub-lines = 120+121+122",
            "123 收入总计 column 收入/预算数 = 118+119",
            "123 收入总计 = 支出总计 = 123",
            "123 支出总计 column 支出/预算数 = 118+119",
        ])
    }

    func testMutatingAnyAmountFailsExactlyTheIdentitiesThatContainIt() {
        var mutations = 0
        for table in SampleTables.all {
            let baseline = Checks.run(TableBuilding.document([table]))
            for (rowIndex, row) in table.rows.enumerated() {
                for (columnIndex, cell) in row.cells.enumerated() where cell.number != nil {
                    let position = CellPosition(row: rowIndex, column: columnIndex)
                    let expected = baseline.identities.filter { $0.involves(position) }
                    XCTAssertFalse(expected.isEmpty, "\(table.head.id) line \(row.line ?? 0) column \(columnIndex) is in no identity")
                    let mutated = TableBuilding.mutating(table, at: (rowIndex, columnIndex), by: millionth)
                    let report = Checks.run(TableBuilding.document([mutated]))
                    XCTAssertEqual(report.failed.map(\.description), expected.map(\.description),
                                   "\(table.head.id) line \(row.line ?? 0) column \(columnIndex)")
                    for identity in report.failed {
                        XCTAssertEqual(identity.line, mutated.rows[identity.statedCell.row].line)
                        XCTAssertEqual(identity.difference.map { abs($0.decimal) }, millionth)
                    }
                    mutations += 1
                }
            }
        }
        XCTAssertEqual(mutations, 187)
    }

    func testAFailedTotalIsOneLineWithFileLineStatedSumAndDifference() {
        // 153.717600 → 153.717601 in the first data row of table 03 (line 53).
        let mutated = TableBuilding.mutating(SampleTables.table03, at: (0, 3), by: millionth)
        let text = Checks.run(TableBuilding.document([mutated])).renderText(file: "budget.txt")
        XCTAssertEqual(text, """
            budget.txt:53: 预算03表 合计 = 基本支出 + 项目支出 (2010350-事业运行 50501-工资福利支出 30101-基本工资): stated 153.717601, sum 153.717600 (difference -0.000001)
            budget.txt:84: 预算03表 合计 column 合计: stated 10,110.053787, sum 10,110.053788 (difference 0.000001)
            35 identities checked in 1 table, 2 failed

            """)
    }

    func testOfWhichColumnsAreNeverAddends() {
        // Give table 03's 其中 columns amounts: 合计 = 基本支出 + 项目支出 still holds row by row.
        var table = SampleTables.table03
        table.rows[0].cells[6] = .number(ExactDecimal("100.000000")!)
        table.head.columns[6].type = .number
        let report = Checks.run(TableBuilding.document([table]))
        XCTAssertEqual(report.failed.count, 0)
        XCTAssertEqual(report.unverified.map(\.description), ["预算03表 合计 column 其中/事业单位经营支出 (line 84)"])
        XCTAssertEqual(report.unverified.first?.status, .unverified(reason: "the total is empty while its parts hold amounts"))
    }

    func testToleranceAcceptsRoundedParts() {
        let mutated = TableBuilding.mutating(SampleTables.table10, at: (2, 1), by: Decimal(string: "0.004")!)
        XCTAssertEqual(Checks.run(TableBuilding.document([mutated])).failed.count, 1)
        let options = CheckOptions(tolerance: ExactDecimal("0.01")!)
        let report = Checks.run(TableBuilding.document([mutated]), options: options)
        XCTAssertEqual(report.failed.count, 0)
        XCTAssertEqual(report.identities.first?.difference?.text, "-0.004000")
        XCTAssertTrue(report.renderText(file: "b.txt").hasSuffix("1 identity checked in 1 table, 0 failed (tolerance 0.01)\n"))
    }

    func testJSONReportCarriesExactNumbers() throws {
        let mutated = TableBuilding.mutating(SampleTables.table10, at: (0, 1), by: millionth)
        let json = Checks.run(TableBuilding.document([mutated])).renderJSON()
        XCTAssertTrue(json.contains(#""status": "failed", "subject": "合计 column 金额", "line": 206, "row": 2, "column": 1, "stated": 8495.980610, "sum": 8495.980611, "difference": 0.000001"#), json)
        XCTAssertTrue(json.contains(#"{"line": 204, "row": 0, "column": 1, "label": "A-货物", "value": 0.900001}"#), json)
        XCTAssertTrue(json.contains(#""summary": {"checked": 1, "tables": 1, "failed": 1, "unverified": 0, "notChecked": 0, "perTable": [{"table": "预算10表", "checked": 1}]}"#), json)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        XCTAssertEqual((parsed?["identities"] as? [Any])?.count, 1)
    }
}
