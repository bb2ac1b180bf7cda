import XCTest
import OOXML
import TableModel
import XMLStream
import ZipArchive

/// Hostile workbooks: each gives a one-line `FormatError` naming the part (and the cell when
/// there is one), or reads with nothing lost; none crashes, hangs or fills memory.
final class XLSXBoundsTests: XCTestCase {
    private let main = XLSXFixture.main
    private let relationships = XLSXFixture.relationships

    /// A one-sheet package whose sheet, workbook and shared strings are given as whole parts.
    private func package(sheet: String, workbook: String? = nil, sharedStrings: String? = nil,
                         sheetTarget: String = "worksheets/sheet1.xml", extraParts: [(String, String)] = []) -> [UInt8] {
        var rels = "<Relationship Id=\"rId1\" Type=\"\(relationships)/worksheet\" Target=\"\(sheetTarget)\"/>"
        var parts: [(String, String)] = [
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", workbook ?? "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"),
            ("xl/worksheets/sheet1.xml", sheet),
        ]
        if let sharedStrings {
            rels += "<Relationship Id=\"rId2\" Type=\"\(relationships)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            parts.append(("xl/sharedStrings.xml", sharedStrings))
        }
        parts.append(("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>"))
        return XLSXFixture.zip(parts + extraParts)
    }

    private func sheet(_ rows: String) -> String { "<worksheet xmlns=\"\(main)\"><sheetData>\(rows)</sheetData></worksheet>" }

    private func formatError(_ bytes: [UInt8], options: XLSXReadOptions = .init(),
                             file: StaticString = #filePath, line: UInt = #line) -> FormatError? {
        do {
            _ = try XLSXFixture.read(bytes, options: options)
            XCTFail("read without error", file: file, line: line)
        } catch let error as FormatError {
            XCTAssertEqual(error.file, "book.xlsx", file: file, line: line)
            XCTAssertFalse(error.description.contains("\n"), "one line: \(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("not a FormatError: \(error)", file: file, line: line)
        }
        return nil
    }

    private static let laughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\
        <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
        """

    // MARK: Entities

    func testBillionLaughsInASheetIsRefused() {
        let book = package(sheet: Self.laughs + sheet("<row r=\"1\"><c t=\"inlineStr\"><is><t>&lol9;</t></is></c></row>"))
        let error = formatError(book)
        XCTAssertEqual(error?.place, "xl/worksheets/sheet1.xml")
        XCTAssertTrue(error?.message.contains("entity declarations are refused") ?? false, "\(String(describing: error))")
    }

    func testBillionLaughsInTheWorkbookPartIsRefused() {
        let workbook = Self.laughs + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\"><sheets><sheet name=\"&lol9;\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
        let error = formatError(package(sheet: sheet(""), workbook: workbook))
        XCTAssertEqual(error?.place, "xl/workbook.xml")
        XCTAssertTrue(error?.message.contains("entity") ?? false, "\(String(describing: error))")
    }

    func testExternalEntityInSharedStringsIsRefused() {
        let strings = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><sst xmlns=\"\(main)\"><si><t>&xxe;</t></si></sst>"
        let book = package(sheet: sheet("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), sharedStrings: strings)
        let error = formatError(book)
        XCTAssertEqual(error?.place, "xl/sharedStrings.xml")
        XCTAssertTrue(error?.message.contains("external entity 'xxe'") ?? false, "\(String(describing: error))")
    }

    /// A parameter entity pointing outside (`%xxe;`) is refused the same way, never fetched.
    func testExternalParameterEntityIsRefused() {
        let book = package(sheet: "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY % xxe SYSTEM \"http://127.0.0.1:1/x.dtd\"> %xxe;]>" + sheet(""))
        XCTAssertNotNil(formatError(book))
    }

    // MARK: Indexes and references

    func testSharedStringIndexOfTwoToTheThirtyFirstNamesTheCell() {
        for index in ["2147483648", "9223372036854775808", "99999999999999999999999", "-1", "1e3"] {
            let book = package(sheet: sheet("<row r=\"3\"><c r=\"C3\" t=\"s\"><v>\(index)</v></c></row>"),
                               sharedStrings: "<sst xmlns=\"\(main)\"><si><t>one</t></si></sst>")
            let error = formatError(book)
            XCTAssertEqual(error?.place, "xl/worksheets/sheet1.xml", index)
            XCTAssertTrue(error?.message.contains("Sheet1!C3") ?? false, "\(index): \(String(describing: error))")
        }
    }

    func testRowNumberBeyondExcelsLastIsAnError() {
        let error = formatError(package(sheet: sheet("<row r=\"1048577\"><c><v>1</v></c></row>")))
        XCTAssertTrue(error?.message.contains("row number '1048577' is not between 1 and 1048576") ?? false, "\(String(describing: error))")
    }

    func testColumnBeyondXFDIsAnError() {
        let error = formatError(package(sheet: sheet("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>")))
        XCTAssertTrue(error?.message.contains("beyond column XFD") ?? false, "\(String(describing: error))")
    }

    // MARK: Package paths

    /// Relationship targets climbing out of the package (`../../..`) name no part: the sheet is
    /// skipped with a note, and no file outside the archive is ever opened.
    func testRelationshipTargetOutsideThePackageReadsNothingOutside() throws {
        let book = package(sheet: sheet("<row r=\"1\"><c><v>1</v></c></row>"), sheetTarget: "../../../../../../etc/passwd")
        let reader = try XLSXReader(bytes: book, name: "book.xlsx")
        XCTAssertNil(try reader.nextTable())
        XCTAssertTrue(reader.diagnostics.contains { $0.message.contains("no worksheet data") }, "\(reader.diagnostics)")
    }

    /// Entries named with `../` in the archive are names like any other.
    func testDotDotEntryNamesInThePackageAreOnlyNames() throws {
        let book = package(sheet: sheet("<row r=\"1\"><c t=\"inlineStr\"><is><t>h</t></is></c></row><row r=\"2\"><c><v>2</v></c></row>"),
                           extraParts: [("../../evil.xml", "<x/>"), ("/abs.xml", "<x/>")])
        let document = try XLSXFixture.read(book)
        XCTAssertEqual(document.tables.first?.rows.first?.cells, [.number(ExactDecimal("2")!)])
    }

    /// A sheet part that is itself a ZIP archive (42.zip-style nesting) is malformed XML.
    func testSheetPartThatIsAnArchiveIsMalformedXML() {
        let inner = String(decoding: XLSXFixture.zip([("a.zip", String(repeating: "\0", count: 1000))]), as: UTF8.self)
        let error = formatError(package(sheet: inner))
        XCTAssertEqual(error?.place, "xl/worksheets/sheet1.xml")
    }

    // MARK: Sizes

    /// Text longer than a cell holds in Excel (32,767 characters) is read whole, never cut; the
    /// XLSX writer is where the limit applies.
    func testCellTextLongerThanExcelsLimitIsReadWhole() throws {
        let long = String(repeating: "长", count: 40_000)
        let book = package(sheet: sheet("<row r=\"1\"><c t=\"inlineStr\"><is><t>h</t></is></c><c t=\"inlineStr\"><is><t>i</t></is></c></row>"
                                        + "<row r=\"2\"><c t=\"s\"><v>0</v></c><c t=\"inlineStr\"><is><t>\(long)</t></is></c></row>"),
                           sharedStrings: "<sst xmlns=\"\(main)\"><si><t>\(long)x</t></si></sst>")
        let cells = try XLSXFixture.read(book).tables[0].rows[0].cells
        XCTAssertEqual(cells, [.text(long + "x"), .text(long)])
    }

    /// The reader's limits come from its options: a sheet over the XML text limit fails, and
    /// raising it reads the sheet.
    func testXMLAndZipLimitsComeFromTheOptions() throws {
        let book = package(sheet: sheet("<row r=\"1\"><c t=\"inlineStr\"><is><t>\(String(repeating: "x", count: 5_000))</t></is></c></row>"))
        var options = XLSXReadOptions()
        options.xmlLimits = XMLReadLimits(maximumTextLength: 4_000)
        XCTAssertTrue(formatError(book, options: options)?.message.contains("longer than 4000 bytes") ?? false)
        options.xmlLimits = XMLReadLimits(maximumTextLength: 6_000)
        XCTAssertNoThrow(try XLSXFixture.read(book, options: options))
        options.zipLimits = ZipReadLimits(maximumEntryCount: 3)
        XCTAssertTrue(formatError(book, options: options)?.message.contains("more than the limit of 3") ?? false)
    }
}
