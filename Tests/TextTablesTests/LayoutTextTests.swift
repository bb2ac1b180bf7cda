import Foundation
import TableModel
import XCTest
@testable import TextTables

/// Space-aligned layout text as `pdftotext -layout` prints it. The fixtures are pdftotext's
/// output for PDFs that LibreOffice printed from an HTML rendering of the sample's tables
/// (Fixtures/make-budget-html.py): merged header cells, wrapped cells, page breaks.
final class LayoutTextTests: XCTestCase {
    private func fixture(_ name: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("Tests/TextTablesTests/Fixtures/\(name)"), encoding: .utf8)
    }

    /// The cells of a table as source texts, row by row.
    private func cells(_ table: Table) -> [[String]] {
        table.rows.map { $0.cells.map(\.sourceText) }
    }

    func testPrintedTablesReadLikeTheTabText() throws {
        let layout = try read(try fixture("budget-small-layout.txt"))
        let tabs = try read(try sampleText())
        for id in ["预算05表", "预算10表"] {
            let mine = try layout.table(id)
            let original = try tabs.table(id)
            XCTAssertEqual(mine.columns.map(\.name), original.columns.map(\.name), id)
            XCTAssertEqual(mine.header, original.header, "\(id): the header tree with its spans")
            XCTAssertEqual(mine.unit, "万元")
            XCTAssertEqual(mine.rows.map(\.kind), original.rows.map(\.kind), id)
            // The sample's 预算05表 differs from the printed one in two amounts (the print is of
            // the same tables as the workbook): compare amounts by position, not value, there.
            XCTAssertEqual(cells(mine).map { $0.map { $0.isEmpty } }, cells(original).map { $0.map { $0.isEmpty } }, id)
        }
        let table05 = try layout.table("预算05表")
        XCTAssertEqual(table05.rows[1].cells[1], .text("其他政府办公厅（室）及相关机构事务支出"), "a cell wrapped over two lines is one cell")
        XCTAssertEqual(table05.rows[1].cells[2], .number(ExactDecimal("8665.752767")!, raw: "8,665.752767"))
        XCTAssertEqual(table05.rows[0].cells[0], .text("2010350"), "codes under 科目编码 stay text")
    }

    func testWordPrintOfTheSamplePutsAmountsInTheirColumns() throws {
        let document = try read(try fixture("budget-word-layout.txt"))
        let tabs = try read(try sampleText())
        // The tab text reads the form 预算13表 as two sections (预算13表, 预算13表-2); layout text
        // does not cut forms into sections, so compare the tables the print has.
        let printedTables = tabs.tables.filter { !$0.id.hasSuffix("-2") }
        XCTAssertEqual(document.tables.map(\.id), printedTables.map(\.id), "13 tables, captions printed as `预算 01 表`")
        var placed = 0
        var total = 0
        for original in printedTables {
            let mine = try document.table(original.id)
            var have: [String: Int] = [:]
            for row in mine.rows {
                for (column, cell) in row.cells.enumerated() {
                    if let number = cell.number { have["\(mine.columns[column].name)=\(number.text)", default: 0] += 1 }
                }
            }
            for row in original.rows {
                for (column, cell) in row.cells.enumerated() {
                    guard let number = cell.number, number.scale == 6 else { continue }
                    total += 1
                    let key = "\(original.columns[column].name)=\(number.text)"
                    if let count = have[key], count > 0 { have[key] = count - 1; placed += 1 }
                }
            }
        }
        XCTAssertEqual(total, 224)
        // pdftotext -layout split on two spaces: 147 of 224 (../shared/bench/PDF-PEERS.md).
        // 158: the six amounts of the form 预算13表 are under other column names in layout text,
        // which does not read forms as sections.
        XCTAssertGreaterThanOrEqual(placed, 158, "amounts under the column of the same name as in the tab text")
        XCTAssertEqual(try document.table("预算01表").columns.map(\.name), ["收入/项目", "收入/预算数", "支出/项目", "支出/预算数"])
        XCTAssertEqual(try document.table("预算03表").columns.map(\.name), try tabs.table("预算03表").columns.map(\.name),
                       "the header repeated on the next page is merged")
    }

    func testNothingIsLostFromLayoutText() throws {
        let text = try fixture("budget-word-layout.txt")
        let missing = lostScalars(text, try read(text))
        XCTAssertTrue(missing.isEmpty, "lost: \(missing.prefix(20))")
    }

    func testOneBlankBetweenAmountsSeparatesThem() throws {
        let text = """
            表1 测试
            项目          本年          上年
            甲          1,000.50    2,000.25
            乙        123,456.75 6,922.10
            丙              3.00       4.00

            """
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.columns.map(\.name), ["项目", "本年", "上年"])
        XCTAssertEqual(table.rows[1].cells.map(\.sourceText), ["乙", "123,456.75", "6,922.10"])
    }

    func testTouchingColumnsIndentedWrapsAndProseAroundATable() throws {
        // The longest label ends where the widest amount begins (no blank position between the
        // columns); a label's second line is indented under its amount line; a group row further
        // left is no continuation; the justified prose after the table is not part of it.
        let text = """
            Table 3. Loans
             Loan type                                 2009      %
              Commercial mortgage                   361,000    2.2
             Real estate loans
              Multifamily dwellings of five units   380,000    2.3
              American Indian/Alaska                    707    1.8
               Native
             Total Gross Loans                   16,604,000  100.0

            As a wholesale bank, the company does not directly originate retail consumer loans or small
            business loans, other than to accommodate high net worth clients and their employees here.

            """
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.rows.map { $0.cells.map(\.sourceText) }, [
            ["Commercial mortgage", "361,000", "2.2"],
            ["Real estate loans", "", ""],
            ["Multifamily dwellings of five units", "380,000", "2.3"],
            ["American Indian/Alaska Native", "707", "1.8"],
            ["Total Gross Loans", "16,604,000", "100.0"],
        ])
    }

    func testLinesWithoutASerialNumberContinueTheNumberedRow() throws {
        // Wrapped names and addresses in a register numbered 1, 2, 3: a line with no number
        // belongs to the row above, even when it holds a postcode.
        let text = """
            No.  Name of licensee      Area        Address
            1    Mukand Infotel        Assam       AC Dutta Lane, Guwahati
            2    Edge Telecom          Delhi       Gali No. 1, Shahdara, Delhi
                 Pvt. Ltd.                         110032
            3    Southern Online       Andhra      Samrat Complex,
                 Technologies Ltd      Pradesh     Hyderabad 500 004

            """
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.rows.map { $0.cells.map(\.sourceText) }, [
            ["1", "Mukand Infotel", "Assam", "AC Dutta Lane, Guwahati"],
            ["2", "Edge Telecom Pvt. Ltd.", "Delhi", "Gali No. 1, Shahdara, Delhi 110032"],
            ["3", "Southern Online Technologies Ltd", "Andhra Pradesh", "Samrat Complex, Hyderabad 500 004"],
        ])
    }

    func testACaptionWithTitleAndUnitApartIsNoHeader() throws {
        let text = """
            Table: 5            Public Health Outlay 2012-13                    (Rs. in 000)
            States          Revenue      Capital
            Assam        14,874,821      161,600
            Bihar        21,016,708    5,329,000

            """
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.id, "Table: 5")
        XCTAssertEqual(table.rows.map { $0.cells.map(\.sourceText) }, [
            ["Assam", "14,874,821", "161,600"], ["Bihar", "21,016,708", "5,329,000"],
        ])
    }

    func testNotesUnderATableEndIt() throws {
        // Two-column prose after the notes has a gutter and amounts, but is not the table's.
        let text = """
            Table 2. Deaths by age group
            Age group        no.     Rate
            45–54             47     21.8
            55–64            116     85.5

            Abbreviation: CI = confidence interval.
            *Per 100,000 U.S. standard population.

            Columbia), with a median of 126.1 per 100,000.    100,000 population; Rhode Island, 162.4 per
            Rates for the majority of the southern states     had the lowest stroke rates (New York, 29.7

            """
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.rows.prefix(2).map { $0.cells.map(\.sourceText) }, [
            ["45–54", "47", "21.8"], ["55–64", "116", "85.5"],
        ], "the prose's gutter does not set the table's columns")
    }

    func testYearsAreNoSerialNumbers() throws {
        let text = """
            Year   Sex        Agriculture   Industry
            1991   Men               11.0       40.7
                   Women              6.6       16.0
            1996   Men                9.5       39.4
                   Women              5.3       13.9
            2001   Men                7.5       39.4
                   Women              3.7       13.8

            """
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.rows.count, 6)
    }

    func testWrappedLabelBesideACentredRowJoinsThatRow() throws {
        let text = """
            表2 支出
            科目                      名称             金额
            2010351-行政运行          办公费            5.80
                                      其他商品和服务
            2010350-事业运行                             23.79
                                      支出
            2010352-机关服务          邮电费            0.29

            """
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.rows.count, 3, "the lines above and below the amount belong to its row")
        XCTAssertEqual(table.rows[1].cells.map(\.sourceText), ["2010350-事业运行", "其他商品和服务支出", "23.79"])
        XCTAssertEqual(table.rows[1].line, 5, "a joined row keeps the line of its amounts")
    }

    func testPageBreakFooterAndRepeatedHeaderAreNoData() throws {
        var lines = ["Table 1: Counts", "Region        Count      Share"]
        for index in 1...6 { lines.append("Area \(index)       \(index * 10)        \(index).0") }
        lines.append("                 - 1 -")
        lines.append("\u{0C}Region        Count      Share")
        for index in 7...9 { lines.append("Area \(index)       \(index * 10)        \(index).0") }
        lines.append("Total          450       45.0")
        lines.append("                 - 2 -")
        let document = try read(lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(document.tables.count, 1, "a table continued on the next page stays one table")
        let table = try XCTUnwrap(document.tables.first)
        XCTAssertEqual(table.columns.map(\.name), ["Region", "Count", "Share"])
        XCTAssertEqual(table.rows.count, 10, "nine areas and the total; the repeated header is merged")
        XCTAssertEqual(table.rows.last?.kind, .total)
        XCTAssertTrue(document.diagnostics.contains { $0.message.contains("page header or footer: - 1 -") })
        XCTAssertFalse(table.rows.contains { $0.cells.contains { $0.sourceText.contains("- 1 -") } })
    }

    func testTabbedTextIsStillReadByTabs() throws {
        let text = "Table 1: Test\nItem\tAmount\nfirst  item\t1.00\nsecond  item\t2.00\n"
        let table = try XCTUnwrap(try read(text).tables.first)
        XCTAssertEqual(table.rows[0].cells.map(\.sourceText), ["first  item", "1.00"], "tabs decide; spaces inside a cell stay")
    }

    func testColumnsGivenByHandOverrideDetection() throws {
        let text = """
            Table 3: Flights
            Code City        Seats
            AB1  Oslo          120
            CD22 Bergen         90

            """
        var options = TextReadOptions()
        options.columnOverride = ColumnOverride(starts: [5, 17])
        let table = try XCTUnwrap(try read(text, options: options).tables.first)
        XCTAssertEqual(table.columns.map(\.name), ["Code", "City", "Seats"])
        XCTAssertEqual(table.rows[1].cells.map(\.sourceText), ["CD22", "Bergen", "90"])
        let blocks = try TextTables.layoutBlocks(Array(text.utf8), name: "t.txt", options: options)
        XCTAssertEqual(blocks.map(\.columnStarts), [[0, 5, 17]])
        XCTAssertEqual(blocks.first?.isOverride, true)
        XCTAssertEqual(blocks.first?.tableID, "Table 3")
    }

    func testLayoutBlocksReportTheColumnsFound() throws {
        let blocks = try TextTables.layoutBlocks(Array(try fixture("budget-small-layout.txt").utf8), name: "small.txt")
        XCTAssertEqual(blocks.map(\.tableID), ["预算05表", "预算10表"])
        XCTAssertEqual(blocks[0].columnStarts.count, 8)
        XCTAssertEqual(blocks[1].columnStarts.count, 2)
        XCTAssertFalse(blocks[0].sample.isEmpty)
    }

    func testPageNumbers() {
        for text in ["3", "- 3 -", "Page 3", "Page 3 of 16", "第 3 页", "3/16", "第3页 共16页"] {
            XCTAssertTrue(PageFurniture.isPageNumber(text), text)
        }
        for text in ["3.5", "2024 年", "Area 3", "12345"] {
            XCTAssertFalse(PageFurniture.isPageNumber(text), text)
        }
    }
}
