import XCTest
@testable import TabConv
import TableModel

final class InvocationTests: XCTestCase {
    func testConvertWithOptions() throws {
        let invocation = try Invocation.parse(["budget.txt", "-o", "out.xlsx", "--table", "预算05表", "--table=2",
                                               "--no-repair", "--unit", "元", "--delimiter", "\\t", "--encoding", "GB18030"])
        XCTAssertEqual(invocation.command, .convert)
        XCTAssertEqual(invocation.input, "budget.txt")
        XCTAssertEqual(invocation.output, "out.xlsx")
        XCTAssertEqual(invocation.options.tables, ["预算05表", "2"])
        XCTAssertFalse(invocation.options.repair)
        XCTAssertEqual(invocation.options.unit, "元")
        XCTAssertEqual(invocation.options.delimiter, 0x09)
        XCTAssertEqual(invocation.options.csvEncoding, .gb18030)
    }

    func testListAndStandardInput() throws {
        let invocation = try Invocation.parse(["list", "-", "--from", "csv"])
        XCTAssertEqual(invocation.command, .list)
        XCTAssertEqual(invocation.input, "-")
        XCTAssertEqual(invocation.options.from, .csv)
    }

    func testUsageErrorsSayWhatToFix() {
        XCTAssertThrowsError(try Invocation.parse([])) { XCTAssertEqual(($0 as? UsageError)?.message, "no input file given") }
        XCTAssertThrowsError(try Invocation.parse(["a.txt", "-o"])) { XCTAssertEqual(($0 as? UsageError)?.message, "-o needs a value") }
        XCTAssertThrowsError(try Invocation.parse(["a.txt", "--to", "pdfx"])) {
            XCTAssertTrue(($0 as? UsageError)?.message.contains("unknown format 'pdfx'") ?? false)
        }
        XCTAssertThrowsError(try Invocation.parse(["a.txt", "--frobnicate"])) {
            XCTAssertEqual(($0 as? UsageError)?.message, "unknown option '--frobnicate'")
        }
        XCTAssertThrowsError(try Invocation.parse(["a.txt", "b.txt"]))
        XCTAssertThrowsError(try Invocation.parse(["a.txt", "--header-rows", "-1"]))
        XCTAssertThrowsError(try Invocation.parse(["a.txt", "--delimiter", "\""]))
    }

    func testHelpAndVersionWin() throws {
        XCTAssertEqual(try Invocation.parse(["a.txt", "--help"]).command, .help)
        XCTAssertEqual(try Invocation.parse(["--version"]).command, .version)
    }

    func testFormatsFromExtensionsAndContent() {
        XCTAssertEqual(Format.fromExtension(of: "dir.v2/budget.XLSX"), .xlsx)
        XCTAssertNil(Format.fromExtension(of: "dir.v2/budget"))
        XCTAssertEqual(Format.sniff([0x50, 0x4B, 0x03, 0x04, 0]), .xlsx)
        XCTAssertEqual(Format.sniff(Array("\u{FEFF} {\"tabconv\": 1}".utf8)), .json)
        XCTAssertEqual(Format.sniff(Array("预算01表 收支总表\n".utf8)), .text)
    }

    func testTableFileNamesAreSafe() {
        let head = TableHead(id: "预算01表", title: "收支/总表")
        XCTAssertEqual(TabConv.fileName(for: head, format: .csv), "预算01表-收支_总表.csv")
        XCTAssertEqual(TabConv.fileName(for: TableHead(id: ".hidden"), format: .csv), "table.hidden.csv")
    }

    func testDisplayWidthCountsWideCharactersTwice() {
        XCTAssertEqual(displayWidth("预算01表"), 8)
        XCTAssertEqual(displayWidth("abc"), 3)
    }
}
