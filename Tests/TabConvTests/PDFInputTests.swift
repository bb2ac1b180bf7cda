#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import XCTest
@testable import TabConv
import TableModel

/// PDF input through poppler's `pdftotext -layout`, and the layout options of the command line.
/// The PDF fixture is a LibreOffice print of two of the sample's tables.
final class PDFInputTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TextTablesTests/Fixtures")

    private func run(_ arguments: [String]) -> (code: Int32, output: String, errors: [String]) {
        var cli = CommandLineInterface()
        var output = ""
        var errors: [String] = []
        cli.printOutput = { output += $0 + "\n" }
        cli.printError = { errors.append($0) }
        cli.showsProgress = false
        return (cli.run(arguments), output, errors)
    }

    private var pdf: String { fixtures.appendingPathComponent("budget-small.pdf").path }

    func testPDFIsReadThroughPdftotext() throws {
        try XCTSkipIf(PDFText.findExecutable("pdftotext") == nil, "pdftotext (poppler-utils) is not installed")
        let document = try TabConv.readDocument(pdf)
        XCTAssertEqual(document.source.format, "text")
        XCTAssertEqual(document.tables.map(\.id), ["预算05表", "预算10表"])
        let table = document.tables[0]
        XCTAssertEqual(table.columns[7].name, "预算数/项目支出/扣除基建项目后预算数")
        XCTAssertEqual(table.rows.last?.kind, .total)
        XCTAssertEqual(table.rows.last?.cells[2], .number(ExactDecimal("10103.053787")!, raw: "10,103.053787"))
    }

    func testPDFIsRecognisedByItsContent() throws {
        let prefix = Array("%PDF-1.7\n".utf8)
        XCTAssertEqual(Format.sniff(prefix), .pdf)
        XCTAssertEqual(Format.fromExtension(of: "report.PDF"), .pdf)
        XCTAssertFalse(Format.pdf.isWritable)
    }

    func testMissingPdftotextIsAOneLineErrorNamingThePackage() {
        let saved = ProcessInfo.processInfo.environment["PATH"]
        setenv("PATH", "/nonexistent-tabconv-test", 1)
        defer {
            if let saved { setenv("PATH", saved, 1) } else { unsetenv("PATH") }
        }
        let result = run([pdf, "--to", "json"])
        XCTAssertEqual(result.code, 1)
        XCTAssertEqual(result.errors.count, 1)
        XCTAssertTrue(result.errors.first?.contains("poppler-utils") == true, "\(result.errors)")
        XCTAssertTrue(result.errors.first?.contains("apt-get install -y poppler-utils") == true)
    }

    func testColumnsOptionParsesAscendingPositions() throws {
        let invocation = try Invocation.parse(["report.txt", "--columns", "12,30,44", "--table", "预算05表"])
        XCTAssertEqual(invocation.options.columnStarts, [12, 30, 44])
        XCTAssertThrowsError(try Invocation.parse(["report.txt", "--columns", "30,12"]))
        XCTAssertThrowsError(try Invocation.parse(["report.txt", "--columns", "a,b"]))
        XCTAssertTrue(try Invocation.parse(["list", "--layout", "report.txt"]).showsLayout)
    }

    func testListLayoutShowsColumnStartsAndARuler() {
        let text = fixtures.appendingPathComponent("budget-small-layout.txt").path
        let result = run(["list", "--layout", text])
        XCTAssertEqual(result.code, 0, "\(result.errors)")
        let lines = result.output.components(separatedBy: "\n")
        XCTAssertTrue(lines.contains { $0.hasPrefix("预算05表  page 1  lines ") && $0.contains("columns found: 0,") }, result.output)
        XCTAssertTrue(lines.contains { $0.hasPrefix("    |") }, "a ruler marks the column starts")
    }

    func testColumnsOptionAppliesToTheChosenTable() throws {
        let text = fixtures.appendingPathComponent("budget-small-layout.txt").path
        var options = ConversionOptions()
        options.columnStarts = [20]
        options.tables = ["预算10表"]
        let document = try TabConv.readDocument(text, options: options)
        XCTAssertEqual(document.tables.map(\.id), ["预算10表"])
        XCTAssertEqual(document.tables[0].columns.count, 2)
        XCTAssertEqual(document.tables[0].rows[1].cells[1].number?.text, "8495.080610")
    }
}
