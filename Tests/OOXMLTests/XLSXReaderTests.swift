import XCTest
import OOXML
import TableModel

/// Builds small XLSX packages in memory (stored ZIP entries), part by part.
enum XLSXFixture {
    static func zip(_ parts: [(String, String)]) -> [UInt8] {
        var bytes: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ value: Int, _ into: inout [UInt8]) { into += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func le32(_ value: UInt32, _ into: inout [UInt8]) { for shift in [0, 8, 16, 24] { into.append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
        for (name, text) in parts {
            let data = Array(text.utf8)
            let nameBytes = Array(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(bytes.count)
            le32(0x0403_4B50, &bytes); le16(20, &bytes); le16(0x800, &bytes); le16(0, &bytes); le16(0, &bytes); le16(0, &bytes)
            le32(crc, &bytes); le32(UInt32(data.count), &bytes); le32(UInt32(data.count), &bytes)
            le16(nameBytes.count, &bytes); le16(0, &bytes)
            bytes += nameBytes + data
            le32(0x0201_4B50, &central); le16(20, &central); le16(20, &central); le16(0x800, &central); le16(0, &central)
            le16(0, &central); le16(0, &central); le32(crc, &central); le32(UInt32(data.count), &central)
            le32(UInt32(data.count), &central); le16(nameBytes.count, &central); le16(0, &central); le16(0, &central)
            le16(0, &central); le16(0, &central); le32(0, &central); le32(offset, &central)
            central += nameBytes
        }
        let centralOffset = UInt32(bytes.count)
        bytes += central
        le32(0x0605_4B50, &bytes); le16(0, &bytes); le16(0, &bytes); le16(parts.count, &bytes); le16(parts.count, &bytes)
        le32(UInt32(central.count), &bytes); le32(centralOffset, &bytes); le16(0, &bytes)
        return bytes
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A workbook whose sheets are given as `<sheetData>` content (plus anything after it).
    static func workbook(_ sheets: [(name: String, body: String)], sharedStrings: [String]? = nil,
                         numberFormats: [(id: Int, code: String)] = [], cellFormats: [Int] = [0],
                         date1904: Bool = false, sheetState: [String: String] = [:]) -> [UInt8] {
        var parts: [(String, String)] = [
            ("_rels/.rels", """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """),
        ]
        // Sheet files are numbered backwards, so that order can only come from workbook.xml.
        var sheetList = ""
        var rels = ""
        for (index, sheet) in sheets.enumerated() {
            let file = "sheet\(sheets.count - index).xml"
            let state = sheetState[sheet.name].map { " state=\"\($0)\"" } ?? ""
            sheetList += "<sheet name=\"\(sheet.name)\" sheetId=\"\(index + 1)\"\(state) r:id=\"rId\(index + 10)\"/>"
            rels += "<Relationship Id=\"rId\(index + 10)\" Type=\"\(relationships)/worksheet\" Target=\"worksheets/\(file)\"/>"
            parts.append(("xl/worksheets/\(file)", "<worksheet xmlns=\"\(main)\"><sheetData>\(sheet.body)</worksheet>"))
        }
        rels += "<Relationship Id=\"rId2\" Type=\"\(relationships)/styles\" Target=\"/xl/styles.xml\"/>"
        if let sharedStrings {
            rels += "<Relationship Id=\"rId3\" Type=\"\(relationships)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            parts.append(("xl/sharedStrings.xml", "<sst xmlns=\"\(main)\">" + sharedStrings.map { "<si>\($0)</si>" }.joined() + "</sst>"))
        }
        parts.append(("xl/workbook.xml", """
        <workbook xmlns="\(main)" xmlns:r="\(relationships)"><workbookPr\(date1904 ? " date1904=\"1\"" : "")/><sheets>\(sheetList)</sheets></workbook>
        """))
        parts.append(("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>"))
        let formats = numberFormats.map { "<numFmt numFmtId=\"\($0.id)\" formatCode=\"\($0.code)\"/>" }.joined()
        let xfs = cellFormats.map { "<xf numFmtId=\"\($0)\"/>" }.joined()
        parts.append(("xl/styles.xml", """
        <styleSheet xmlns="\(main)"><numFmts>\(formats)</numFmts><cellStyleXfs><xf numFmtId="0"/></cellStyleXfs><cellXfs>\(xfs)</cellXfs></styleSheet>
        """))
        return zip(parts)
    }

    static func read(_ bytes: [UInt8], options: XLSXReadOptions = .init()) throws -> Document {
        try XLSXReader(bytes: bytes, name: "book.xlsx", options: options).readDocument()
    }
}

final class XLSXReaderTests: XCTestCase {
    private func texts(_ row: Row) -> [String] { row.cells.map(\.plainText) }

    func testSheetsComeInWorkbookOrderWithTheirNamesAndState() throws {
        let book = XLSXFixture.workbook([("Zeta", "<row r=\"1\"><c t=\"inlineStr\"><is><t>z</t></is></c></row></sheetData>"),
                                         ("Alpha", "<row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c></row></sheetData>")],
                                        sheetState: ["Alpha": "hidden"])
        let reader = try XLSXReader(bytes: book, name: "book.xlsx")
        XCTAssertEqual(reader.sheets.map(\.name), ["Zeta", "Alpha"])
        XCTAssertEqual(reader.sheets.map(\.part), ["xl/worksheets/sheet2.xml", "xl/worksheets/sheet1.xml"])
        XCTAssertEqual(reader.sheets[1].state, .hidden)
        let document = try reader.readDocument()
        XCTAssertEqual(document.tables.map(\.head.id), ["Zeta", "Alpha"])
        XCTAssertEqual(document.tables.map { $0.head.columns.map(\.name) }, [["z"], ["a"]])
        XCTAssertEqual(document.tables[1].head.notes, ["hidden sheet"])
    }

    /// Digits the format hides are kept (a value is never rounded for display), except the
    /// binary noise of a double past 15 significant digits.
    func testNumberScaleComesFromTheFormat() throws {
        let body = """
        <row r="1"><c t="inlineStr"><is><t>fixed</t></is></c><c t="inlineStr"><is><t>money</t></is></c>\
        <c t="inlineStr"><is><t>general</t></is></c><c t="inlineStr"><is><t>percent</t></is></c></row>\
        <row r="2"><c s="1"><v>9885.75263</v></c><c s="2"><v>1234.5</v></c><c><v>1E-3</v></c><c s="3"><v>0.125</v></c></row>\
        <row r="3"><c s="1"><v>9885.752630000001</v></c><c s="2"><v>2.675</v></c><c><v>1.5E+20</v></c><c s="3"><v>1</v></c></row>\
        <row r="4"><c s="1"><v>-0.0000004</v></c><c s="2"><v>0.30000000000000004</v></c><c><v>-2.50</v></c><c s="3"><v>-1.23456E-2</v></c></row>\
        </sheetData>
        """
        let document = try XLSXFixture.read(XLSXFixture.workbook([("S", body)], numberFormats: [(164, "0.000000")],
                                                                  cellFormats: [0, 164, 4, 10]))
        let rows = document.tables[0].rows
        XCTAssertEqual(rows.map(texts), [
            ["9885.752630", "1234.50", "0.001", "0.1250"],
            ["9885.752630", "2.675", "150000000000000000000", "1.0000"],
            ["-0.0000004", "0.30", "-2.50", "-0.0123456"],
        ])
        XCTAssertEqual(rows[0].cells[0].number?.scale, 6)
        XCTAssertEqual(document.tables[0].head.columns.map(\.type), [.number, .number, .number, .number])
    }

    func testDatesBecomeISOTextInBothSystems() throws {
        let body = """
        <row r="1"><c t="inlineStr"><is><t>when</t></is></c></row>\
        <row r="2"><c s="1"><v>44197</v></c><c s="2"><v>44197.5</v></c><c s="3"><v>0.423726851851852</v></c><c s="4"><v>10.6320601851852</v></c></row>\
        <row r="3"><c s="1"><v>60</v></c><c s="1"><v>59</v></c><c s="1"><v>61</v></c><c s="5"><v>1</v></c></row>\
        </sheetData>
        """
        let formats = [(164, "yyyy\\-mm\\-dd"), (165, "[h]:mm:ss"), (166, "dd/mm/yyyy hh:mm;@")]
        let book1900 = XLSXFixture.workbook([("S", body)], numberFormats: formats, cellFormats: [0, 14, 22, 21, 165, 166])
        XCTAssertEqual(try XLSXFixture.read(book1900).tables[0].rows.map(texts), [
            ["2021-01-01", "2021-01-01T12:00:00", "10:10:10", "255:10:10"],
            ["1900-02-29", "1900-02-28", "1900-03-01", "1900-01-01T00:00:00"],
        ])
        let book1904 = XLSXFixture.workbook([("S", body)], numberFormats: formats, cellFormats: [0, 164, 22, 21, 165, 166], date1904: true)
        XCTAssertEqual(try XLSXFixture.read(book1904).tables[0].rows[0].cells[0].plainText, "2025-01-02")
    }

    func testSharedStringsRichTextPhoneticRunsAndEscapes() throws {
        let strings = [
            "<t>name</t>",
            "<r><rPr><b/></rPr><t>rich </t></r><r><t xml:space=\"preserve\">text</t></r>",
            "<t>課</t><rPh sb=\"0\" eb=\"1\"><t>カ</t></rPh><phoneticPr fontId=\"1\"/>",
            "<t>ABC_x000D_\nDEF _x005F_x000D_</t>",
        ]
        let body = "<row r=\"1\"><c t=\"s\"><v>0</v></c></row><row r=\"2\"><c t=\"s\"><v>1</v></c></row>"
            + "<row r=\"3\"><c t=\"s\"><v>2</v></c></row><row r=\"4\"><c t=\"s\"><v>3</v></c></row></sheetData>"
        let reader = try XLSXReader(bytes: XLSXFixture.workbook([("S", body)], sharedStrings: strings), name: "book.xlsx")
        let document = try reader.readDocument()
        XCTAssertEqual(document.tables[0].rows.map(texts), [["rich text"], ["課"], ["ABC\r\nDEF _x000D_"]])
        XCTAssertGreaterThan(reader.sharedStringMemory, 0)
    }

    func testInlineStringsBooleansErrorsFormulasAndISODates() throws {
        let body = """
        <row r="1"><c t="inlineStr"><is><t>h</t></is></c></row>\
        <row r="2"><c t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c><c t="b"><v>1</v></c><c t="b"><v>0</v></c>\
        <c t="e"><f>1/0</f><v>#DIV/0!</v></c><c t="str"><f>A1&amp;"x"</f><v>hx</v></c><c><f>1+1</f><v>2</v></c><c t="d"><v>2021-01-01T10:10:10</v></c></row>\
        </sheetData>
        """
        let rows = try XLSXFixture.read(XLSXFixture.workbook([("S", body)])).tables[0].rows
        XCTAssertEqual(rows.map(texts), [["inline", "TRUE", "FALSE", "#DIV/0!", "hx", "2", "2021-01-01T10:10:10"]])
        XCTAssertEqual(rows[0].cells[5], .number(try XCTUnwrap(ExactDecimal("2"))))
    }

    func testCellsWithoutReferencesAndSparseRowsKeepTheirPlaces() throws {
        let body = """
        <row><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c><c t="inlineStr"><is><t>c</t></is></c></row>\
        <row><c><v>1</v></c><c r="C2"><v>3</v></c></row>\
        <row r="5"><c r="B5"><v>5</v></c><c><v>6</v></c></row>\
        </sheetData>
        """
        let table = try XLSXFixture.read(XLSXFixture.workbook([("S", body)])).tables[0]
        XCTAssertEqual(table.head.columns.map(\.name), ["a", "b", "c"])
        XCTAssertEqual(table.rows.map(\.line), [2, 3, 4, 5])
        XCTAssertEqual(table.rows.map(texts), [["1", "", "3"], ["", "", ""], ["", "", ""], ["", "5", "6"]])
    }

    private let mergedHeader = """
    <row r="1"><c t="inlineStr"><is><t>项目</t></is></c><c t="inlineStr"><is><t>预算数</t></is></c><c/></row>\
    <row r="2"><c r="B2" t="inlineStr"><is><t>基本支出</t></is></c><c t="inlineStr"><is><t>项目支出</t></is></c></row>\
    <row r="3"><c t="inlineStr"><is><t>合计</t></is></c><c><v>1.5</v></c><c><v>2</v></c></row>\
    <row r="4"><c t="inlineStr"><is><t>分组</t></is></c><c><v>3</v></c></row>\
    <row r="5"><c r="B5"><v>4</v></c></row>\
    </sheetData><mergeCells count="3"><mergeCell ref="A1:A2"/><mergeCell ref="B1:C1"/><mergeCell ref="A4:A5"/></mergeCells>
    """

    func testMergedTopRowsBecomeHeaderSpans() throws {
        let table = try XLSXFixture.read(XLSXFixture.workbook([("预算", mergedHeader)])).tables[0]
        XCTAssertEqual(table.head.header, [
            [HeaderCell(text: "项目", column: 0, columnSpan: 1, rowSpan: 2), HeaderCell(text: "预算数", column: 1, columnSpan: 2)],
            [HeaderCell(text: "基本支出", column: 1), HeaderCell(text: "项目支出", column: 2)],
        ])
        XCTAssertEqual(table.head.columns.map(\.name), ["项目", "预算数/基本支出", "预算数/项目支出"])
        XCTAssertEqual(table.rows.map(\.line), [3, 4, 5])
        XCTAssertEqual(table.rows.map(texts), [["合计", "1.5", "2"], ["分组", "3", ""], ["", "4", ""]])
    }

    /// An analyst's sheet: a title, a unit and a note, each merged across the table, above a
    /// merged header; then data rows with a total.
    private func preambleSheet(title: String) -> String {
        func text(_ reference: String, _ value: String) -> String { "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(value)</t></is></c>" }
        return "<row r=\"1\">" + text("A1", title) + "</row>"
            + "<row r=\"2\">" + text("A2", "单位：元") + "</row>"
            + "<row r=\"3\">" + text("A3", "(2026年度)") + "</row>"
            + "<row r=\"4\">" + text("A4", "项目") + text("B4", "预算数") + "</row>"
            + "<row r=\"5\">" + text("B5", "基本支出") + text("C5", "项目支出") + "</row>"
            + "<row r=\"6\">" + text("A6", "2010301") + text("B6", "一般行政管理事务") + "<c r=\"C6\"><v>2</v></c></row>"
            + "<row r=\"7\">" + text("A7", "合 计") + "<c r=\"B7\"><v>1.5</v></c><c r=\"C7\"><v>2</v></c></row>"
            + "<row r=\"8\">" + text("B8", "小计") + "<c r=\"C8\"><v>2</v></c></row>"
            + "</sheetData><mergeCells><mergeCell ref=\"A1:C1\"/><mergeCell ref=\"A2:C2\"/><mergeCell ref=\"A3:C3\"/>"
            + "<mergeCell ref=\"A4:A5\"/><mergeCell ref=\"B4:C4\"/></mergeCells>"
    }

    func testMergedRowsAboveTheHeaderGiveTitleUnitAndNotes() throws {
        let table = try XLSXFixture.read(XLSXFixture.workbook([("部门预算", preambleSheet(title: "2026年部门预算"))])).tables[0]
        XCTAssertEqual(table.head.id, "部门预算", "a title that is no caption leaves the sheet name as the id")
        XCTAssertEqual(table.head.title, "2026年部门预算")
        XCTAssertEqual(table.head.unit, "元")
        XCTAssertEqual(table.head.notes, ["(2026年度)"])
        XCTAssertEqual(table.head.header, [
            [HeaderCell(text: "项目", column: 0, columnSpan: 1, rowSpan: 2), HeaderCell(text: "预算数", column: 1, columnSpan: 2)],
            [HeaderCell(text: "基本支出", column: 1), HeaderCell(text: "项目支出", column: 2)],
        ])
        XCTAssertEqual(table.rows.map(\.line), [6, 7, 8])
        XCTAssertEqual(table.rows.map(\.kind), [.data, .total, .subtotal], "kinds from the first label that is no number")
    }

    func testCaptionRowGivesTheIDAndTitle() throws {
        let book = XLSXFixture.workbook([("Sheet1", preambleSheet(title: "预算05表 一般公共预算支出表")),
                                         ("Sheet2", preambleSheet(title: "Table 2: Revenue")),
                                         ("Sheet3", preambleSheet(title: "Sheet3"))])
        let heads = try XLSXFixture.read(book).tables.map(\.head)
        XCTAssertEqual(heads.map(\.id), ["预算05表", "Table 2", "Sheet3"])
        XCTAssertEqual(heads.map(\.title), ["一般公共预算支出表", "Revenue", ""], "a title repeating the sheet name adds nothing")
        XCTAssertEqual(heads.map(\.unit), ["元", "元", "元"])
    }

    func testHeaderRowsOptionAndFillDown() throws {
        let book = XLSXFixture.workbook([("S", mergedHeader)])
        let table = try XLSXFixture.read(book, options: XLSXReadOptions(headerRows: 1, fillDown: true)).tables[0]
        XCTAssertEqual(table.head.columns.map(\.name), ["项目", "预算数", "预算数"])
        XCTAssertEqual(table.rows.map(texts), [["", "基本支出", "项目支出"], ["合计", "1.5", "2"], ["分组", "3", ""], ["分组", "4", ""]])
        let raw = try XLSXFixture.read(book, options: XLSXReadOptions(headerRows: 0)).tables[0]
        XCTAssertEqual(raw.head.columns.map(\.name), ["A", "B", "C"])
        XCTAssertEqual(raw.rows.count, 5)
    }

    func testFillDownOnALongSheetScansForMergesFirst() throws {
        var body = "<row r=\"1\"><c t=\"inlineStr\"><is><t>k</t></is></c><c t=\"inlineStr\"><is><t>v</t></is></c></row>"
        body += "<row r=\"2\"><c t=\"inlineStr\"><is><t>group</t></is></c><c><v>0</v></c></row>"
        for row in 3...50 { body += "<row r=\"\(row)\"><c r=\"B\(row)\"><v>\(row)</v></c></row>" }
        body += "</sheetData><mergeCells><mergeCell ref=\"A2:A50\"/></mergeCells>"
        let table = try XLSXFixture.read(XLSXFixture.workbook([("S", body)]),
                                         options: XLSXReadOptions(fillDown: true, lookaheadRows: 5)).tables[0]
        XCTAssertEqual(table.rows.count, 49)
        XCTAssertTrue(table.rows.allSatisfy { $0.cells[0].plainText == "group" })
    }

    func testSheetOptionPicksByNameOrPosition() throws {
        let book = XLSXFixture.workbook([("One", "<row r=\"1\"><c><v>1</v></c></row></sheetData>"),
                                         ("Two", "<row r=\"1\"><c><v>2</v></c></row></sheetData>")])
        XCTAssertEqual(try XLSXFixture.read(book, options: XLSXReadOptions(sheet: "Two")).tables.map(\.head.id), ["Two"])
        XCTAssertEqual(try XLSXFixture.read(book, options: XLSXReadOptions(sheet: "1")).tables.map(\.head.id), ["One"])
        XCTAssertThrowsError(try XLSXFixture.read(book, options: XLSXReadOptions(sheet: "Three"))) { error in
            XCTAssertTrue("\(error)".contains("'One', 'Two'"), "\(error)")
        }
    }

    func testStrictNamespacesAndAbsoluteTargets() throws {
        let strictMain = "http://purl.oclc.org/ooxml/spreadsheetml/main"
        let strictRelationships = "http://purl.oclc.org/ooxml/officeDocument/relationships"
        let book = XLSXFixture.zip([
            ("_rels/.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"r\" Type=\"\(strictRelationships)/officeDocument\" Target=\"/xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<workbook xmlns=\"\(strictMain)\" xmlns:r=\"\(strictRelationships)\"><sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"a\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"a\" Type=\"\(strictRelationships)/worksheet\" Target=\"/xl/worksheets/data.xml\"/></Relationships>"),
            ("xl/worksheets/data.xml", "<x:worksheet xmlns:x=\"\(strictMain)\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>h</x:t></x:is></x:c></x:row><x:row r=\"2\"><x:c r=\"A2\"><x:v>42</x:v></x:c></x:row></x:sheetData></x:worksheet>"),
        ])
        let table = try XLSXFixture.read(book).tables[0]
        XCTAssertEqual(table.head.id, "Data")
        XCTAssertEqual(table.rows.map(texts), [["42"]])
    }

    // MARK: Bad input

    private func assertFormatError(_ body: @autoclosure () throws -> Any, place: String?, contains fragments: [String],
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let formatError = error as? FormatError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(formatError.file, "book.xlsx", file: file, line: line)
            if let place { XCTAssertEqual(formatError.place, place, file: file, line: line) }
            for fragment in fragments { XCTAssertTrue(formatError.description.contains(fragment), formatError.description, file: file, line: line) }
            XCTAssertFalse(formatError.description.contains("\n"), file: file, line: line)
        }
    }

    func testTruncatedWorkbookIsAFormatError() {
        let book = XLSXFixture.workbook([("S", "<row r=\"1\"><c><v>1</v></c></row></sheetData>")])
        assertFormatError(try XLSXFixture.read(Array(book.prefix(book.count - 40))), place: nil, contains: ["truncated"])
    }

    func testTextFileNamedXLSXIsAFormatError() {
        assertFormatError(try XLSXFixture.read(Array("a,b\n1,2\n".utf8)), place: nil, contains: ["not a ZIP archive"])
    }

    func testMalformedSheetXMLNamesThePartAndLine() {
        let book = XLSXFixture.workbook([("S", "<row r=\"1\"><c><v>1</v></c></row>\n<row r=\"2\"><c><v>2</v></row></sheetData>")])
        assertFormatError(try XLSXFixture.read(book), place: "xl/worksheets/sheet1.xml", contains: ["malformed XML", "book.xlsx:2"])
    }

    func testSharedStringIndexOutOfRangeNamesTheCell() {
        let book = XLSXFixture.workbook([("Sheet1", "<row r=\"1\"><c t=\"inlineStr\"><is><t>h</t></is></c></row><row r=\"7\"><c r=\"B7\" t=\"s\"><v>5</v></c></row></sheetData>")],
                                        sharedStrings: ["<t>only</t>"])
        assertFormatError(try XLSXFixture.read(book), place: "xl/worksheets/sheet1.xml", contains: ["Sheet1!B7", "out of range"])
    }

    func testPackageWithoutWorkbookIsAFormatError() {
        assertFormatError(try XLSXFixture.read(XLSXFixture.zip([("content.xml", "<office:document/>")])), place: nil, contains: ["OpenDocument"])
    }

    // MARK: Reading on background threads

    /// A sheet of `count` data rows mixing every kind of cell, over several batches.
    private func longSheet(rows count: Int, tail: String = "") -> String {
        var body = "<row r=\"1\"><c t=\"inlineStr\"><is><t>code</t></is></c><c t=\"inlineStr\"><is><t>name</t></is></c>"
            + "<c t=\"inlineStr\"><is><t>amount</t></is></c><c t=\"inlineStr\"><is><t>flag</t></is></c><c t=\"inlineStr\"><is><t>note</t></is></c></row>"
        for row in 2...(count + 1) {
            if row % 97 == 0 { continue }  // a gap
            body += "<row r=\"\(row)\"><c r=\"A\(row)\" t=\"inlineStr\"><is><t>\(100_000 + row)</t></is></c>"
            body += row % 5 == 0 ? "<c r=\"B\(row)\" t=\"s\"><v>\(row % 2)</v></c>" : "<c r=\"B\(row)\" t=\"inlineStr\"><is><t>名称_x000D_\(row) &amp; co</t></is></c>"
            body += "<c r=\"C\(row)\" s=\"1\"><v>\(row).75263\(row % 3 == 0 ? "00000000012" : "")</v></c>"
            body += "<c r=\"D\(row)\" t=\"b\"><v>\(row % 2)</v></c>"
            if row % 11 == 0 { body += "<c r=\"E\(row)\" t=\"inlineStr\"><is><t></t></is></c>" }
            if row % 13 == 0 { body += "<c r=\"E\(row)\" s=\"2\"><v>\(40_000 + row)</v></c>" }
            body += "</row>"
        }
        return body + tail + "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"E2:E3\"/></mergeCells>"
    }

    private func longBook(rows: Int, tail: String = "") -> [UInt8] {
        XLSXFixture.workbook([("Long", longSheet(rows: rows, tail: tail))], sharedStrings: ["<t>even</t>", "<r><t>o</t></r><r><t>dd</t></r>"],
                             numberFormats: [(164, "0.000000")], cellFormats: [0, 164, 14])
    }

    private func options(background: Bool) -> XLSXReadOptions {
        XLSXReadOptions(fillDown: true, lookaheadRows: 100, readsInBackground: background, backgroundMinimumSize: 0)
    }

    func testBackgroundReadingGivesTheSameTableAsReadingOnOneThread() throws {
        let book = longBook(rows: 5_000)
        let foreground = try XLSXFixture.read(book, options: options(background: false))
        let background = try XLSXFixture.read(book, options: options(background: true))
        XCTAssertEqual(background, foreground)
        let table = try XCTUnwrap(background.tables.first)
        XCTAssertEqual(table.rows.count, 5_000)
        XCTAssertEqual(table.rows[3].cells.map(\.plainText), ["100005", "odd", "5.752630", "TRUE", ""])
        XCTAssertEqual(table.rows[4].cells.map(\.plainText), ["100006", "名称\r6 & co", "6.752630", "FALSE", ""])
        XCTAssertEqual(table.rows[11].cells.map(\.plainText), ["100013", "名称\r13 & co", "13.752630", "TRUE", "2009-07-19"])
        XCTAssertEqual(table.rows[95].cells.map(\.plainText), [String](repeating: "", count: 5))  // row 97: the gap
    }

    func testBackgroundReadingFailsLikeReadingOnOneThread() throws {
        let outOfRange = longBook(rows: 3_000, tail: "<row r=\"3500\"><c r=\"C3500\" t=\"s\"><v>9</v></c></row>")
        let malformed = longBook(rows: 3_000, tail: "<row r=\"3500\"><c><v>1</c></row>")
        for book in [outOfRange, malformed] {
            var errors: [FormatError] = []
            for background in [false, true] {
                XCTAssertThrowsError(try XLSXFixture.read(book, options: options(background: background)), "background: \(background)") { error in
                    if let error = error as? FormatError { errors.append(error) } else { XCTFail("\(error)") }
                }
            }
            XCTAssertEqual(errors.count, 2)
            XCTAssertEqual(errors.first, errors.last)
            XCTAssertEqual(errors.first?.place, "xl/worksheets/sheet1.xml")
        }
        // A damaged entry (one digit changed: still well-formed XML) fails on its CRC at the end.
        var damaged = longBook(rows: 3_000)
        let digits = Array("<t>102500</t>".utf8)
        let at = try XCTUnwrap((0...(damaged.count - digits.count)).first { Array(damaged[$0..<($0 + digits.count)]) == digits })
        damaged[at + 8] = UInt8(ascii: "7")
        let errors = [false, true].map { background -> String in
            do { _ = try XLSXFixture.read(damaged, options: options(background: background)); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(errors[0], errors[1])
        XCTAssertTrue(errors[1].contains("xl/worksheets/sheet1.xml") && errors[1].contains("CRC"), errors[1])

        let reader = try XLSXReader(bytes: outOfRange, name: "book.xlsx", options: options(background: true))
        _ = try reader.nextTable()
        var message = ""
        do { while try reader.nextRow() != nil {} } catch { message = "\(error)" }
        XCTAssertTrue(message.contains("Long!C3500") && message.contains("out of range"), message)
        // The error stays: reading on does not wait for a thread that has ended.
        XCTAssertThrowsError(try { while try reader.nextRow() != nil {} }())
    }

    func testLeavingASheetEarlyStopsItsParsingThread() throws {
        let book = longBook(rows: 20_000)
        for _ in 0..<20 {
            let reader = try XLSXReader(bytes: book, name: "book.xlsx",
                                        options: XLSXReadOptions(lookaheadRows: 10, readsInBackground: true, backgroundMinimumSize: 0))
            _ = try reader.nextTable()
            XCTAssertNotNil(try reader.nextRow())
        }
    }
}
