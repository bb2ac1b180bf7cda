import Foundation
import TableModel
import XCTest
@testable import TextTables

/// `--split-codes`, `--unit`, `--fill-down`: what the options do to the sample's tables.
final class OptionTests: XCTestCase {
    func testSplitCodesMakesCodeAndNameColumnsInTheHeaderToo() throws {
        let document = try read(try sampleText(), options: TextReadOptions(splitCodes: true))
        let table = try document.table("预算03表")
        XCTAssertEqual(Array(table.columns.map(\.name).prefix(7)), [
            "支出功能分类科目/编码", "支出功能分类科目/名称", "政府支出经济分类科目/编码", "政府支出经济分类科目/名称",
            "部门支出经济分类科目/编码", "部门支出经济分类科目/名称", "合计",
        ])
        XCTAssertEqual(table.header[0][0], HeaderCell(text: "支出功能分类科目", column: 0, columnSpan: 2))
        XCTAssertEqual(table.header[1][0], HeaderCell(text: "编码", column: 0))
        XCTAssertEqual(table.header[0][3], HeaderCell(text: "合计", column: 6, rowSpan: 2))
        XCTAssertEqual(Array(table.rows[0].cells.prefix(3)), [.text("2010350"), .text("事业运行"), .text("50501")])
        XCTAssertEqual(table.rows.last?.cells.prefix(2), [.empty, .text("合计")], "a total label goes to the name column")
        XCTAssertTrue(table.rows.allSatisfy { $0.cells.count == 12 })
        let table12 = try document.table("预算表12")
        XCTAssertEqual(table12.rows[0].cells[0], .text("11000022Y000000426179"))
        XCTAssertEqual(table12.rows[0].cells[1], .text("北京市政府门户网站运维"))
        XCTAssertEqual(try document.table("预算05表").columns.count, 8, "no code-name column, nothing split")
    }

    func testUnitConversionIsExactAndRecordsTheUnit() throws {
        let document = try read(try sampleText(), options: TextReadOptions(targetUnit: "元"))
        let table = try document.table("预算01表")
        XCTAssertEqual(table.unit, "元")
        XCTAssertEqual(table.rows[0].cells[1].number?.text, "98857526.30")
        XCTAssertEqual(table.rows[0].cells[1].number?.scale, 2)
        let table12 = try document.table("预算表12")
        XCTAssertEqual(table12.rows[0].cells[1].number?.text, "17449718.90")
        let value = try table12.column("本年绩效指标值")
        XCTAssertEqual(table12.rows[0].cells[value].number?.text, "90", "indicator values are no amounts")
        let table13 = try document.table("预算13表")
        XCTAssertNil(table13.unit)
        XCTAssertEqual(table13.rows[0].cells[try table13.column("预算支出总额")].number?.text, "10110.053787",
                       "no unit stated: left as printed")
        XCTAssertTrue(document.diagnostics.contains { $0.severity == .warning && $0.message.contains("预算13表 states no unit") })
    }

    func testUnitConversionBothWaysAndErrors() throws {
        let english = VariantTests.english
        let thousands = try read(english, options: TextReadOptions(targetUnit: "USD"))
        XCTAssertEqual(try thousands.table("Table 1").rows[0].cells[1].number?.text, "1200500")
        XCTAssertEqual(try thousands.table("Table 1").rows[1].cells[2].number?.text, "-25000")
        let millions = try read(english, options: TextReadOptions(targetUnit: "USD million"))
        XCTAssertEqual(try millions.table("Table 1").rows[0].cells[1].number?.text, "1.20050")
        XCTAssertEqual(try millions.table("Table 2").rows[0].cells[1], .text("0701"), "codes are not converted")

        XCTAssertThrowsError(try read(english, options: TextReadOptions(targetUnit: "元"))) { error in
            let formatError = error as? FormatError
            XCTAssertEqual(formatError?.file, "budget.txt")
            XCTAssertEqual(formatError?.line, 4, "the unit line")
        }
        XCTAssertThrowsError(try read(english, options: TextReadOptions(targetUnit: "furlongs")))
        let tenThousands = "表1 收入\n单位：元\n项目\t金额\n税收\t12345.6\n"
        XCTAssertEqual(try read(tenThousands, options: TextReadOptions(targetUnit: "万元")).tables[0].rows[0].cells[1].number?.text,
                       "1.23456")
    }

    func testFillDownRepeatsBlockValuesOnEveryRowOfTheBlock() throws {
        let document = try read(try sampleText(), options: TextReadOptions(fillDown: true))
        let table = try document.table("预算表12")
        let name = try table.column("项目名称")
        let total = try table.column("项目总额")
        let goal = try table.column("绩效目标")
        XCTAssertTrue(table.rows.allSatisfy { !$0.cells[name].isEmpty && !$0.cells[total].isEmpty && !$0.cells[goal].isEmpty })
        let row290 = try XCTUnwrap(table.rows.first { $0.line == 291 })
        XCTAssertEqual(row290.cells[name], .text("11000024T000002756266-财务综合服务"))
        XCTAssertEqual(row290.cells[total].number?.text, "29.132000")
        XCTAssertEqual(table.rows.filter { $0.cells[name] == .text("11000024T000002756266-财务综合服务") }.count, 13)
        XCTAssertTrue(table.rows.allSatisfy { $0.cells[try! table.column("其中：/其他资金")].isEmpty })
        // Tables that are not block-structured are left alone.
        let plain = try read(try sampleText())
        XCTAssertEqual(try document.table("预算01表"), try plain.table("预算01表"))
        XCTAssertEqual(try document.table("预算13表"), try plain.table("预算13表"))
    }

    func testUndecodableBytesAreAnErrorWithTheFile() {
        // An odd byte count after a UTF-16 byte order mark cannot be decoded.
        XCTAssertThrowsError(try TextTables.read([0xFF, 0xFE, 0x41, 0x00, 0x42], name: "odd.txt")) { error in
            XCTAssertEqual((error as? FormatError)?.file, "odd.txt")
        }
    }

    func testTextWithoutTablesGivesNoTablesAndKeepsTheText() throws {
        let document = try read("Just a note.\n\nAnother line.\n")
        XCTAssertTrue(document.tables.isEmpty)
        XCTAssertEqual(document.diagnostics.compactMap(\.line), [1, 3])
        XCTAssertTrue(document.diagnostics.contains { $0.severity == .warning && $0.message.hasPrefix("no tables found") })
    }

    func testTabbedLinesWithoutCaptionFormAnUntitledTable() throws {
        let document = try read("Name\tAmount\nTea\t1.50\nCoffee\t2.25\n")
        XCTAssertEqual(document.tables.map(\.id), ["table-1"])
        XCTAssertEqual(document.tables[0].columns.map(\.name), ["Name", "Amount"])
        XCTAssertEqual(document.tables[0].rows.count, 2)
    }
}

/// Odd and damaged input is read without crashing or hanging.
final class RobustnessTests: XCTestCase {
    func testOddShapesAreRead() throws {
        let inputs = [
            "", "\t", "\n\n\r\n", "表1 收入\n", "表1 收入\n\t\n", "表1 收入\n合 计\n", "a\tb\n\t\t\t\t\n1\t2\t3\t4\t5",
            "Table 1 T\nUnit: USD\nA\tB\n1\n2\t3\t4\n", "表1 x\n单位：万元\n单位：元\n项目\t金额\n合计\t1\n",
            "表1 x\n甲\t乙\n" + String(repeating: "\t", count: 300) + "1\n",
            "预算01表 收支总表\n预算01表 收支总表\n收\t支\n1\t2\n预算01表 收支总表\n收\t支\n3\t4\n",
        ]
        for input in inputs {
            let document = try read(input)
            for table in document.tables {
                for row in table.rows { XCTAssertEqual(row.cells.count, table.columns.count, input.debugDescription) }
            }
        }
    }

    func testDamagedSamplesAreRead() throws {
        let lines = try sampleLines()
        var state: UInt64 = 2026
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<20 {
            var damaged = lines
            for _ in 0..<40 {
                let index = next(damaged.count)
                switch next(4) {
                case 0: damaged[index] = damaged[index].replacingOccurrences(of: "\t\t", with: "\t")
                case 1: damaged[index] = "\t" + damaged[index]
                case 2: damaged.remove(at: index)
                default: damaged.insert(damaged[next(damaged.count)], at: index)
                }
            }
            let document = try read(damaged.joined(separator: "\n"), options: TextReadOptions(splitCodes: true, fillDown: true))
            for table in document.tables {
                XCTAssertTrue(table.rows.allSatisfy { $0.cells.count == table.columns.count })
            }
        }
    }
}
