import Foundation
import TableModel
import XCTest
@testable import CSVFormat

final class CSVReaderTests: XCTestCase {
    // MARK: Records and lines

    func testCRLFAndLFAndCREachEndARecord() throws {
        let table = try readCSV("a,b\r\n1,2\n3,4\r5,6").document.tables[0]
        XCTAssertEqual(rowTexts(table), [["1", "2"], ["3", "4"], ["5", "6"]])
        XCTAssertEqual(table.rows.map(\.line), [2, 3, 4])
    }

    func testTotalRowsGetTheirKindFromTheirLabel() throws {
        let table = try readCSV("科目编码,科目名称,金额\n2010350,事业运行,1.50\n2010399,小计,1.50\n,合 计,1.50\nTotal,,1.50\n").document.tables[0]
        XCTAssertEqual(table.rows.map(\.kind), [.data, .subtotal, .total, .total])
    }

    func testRowLineIsWhereAMultiLineRecordStarts() throws {
        let table = try readCSV("a,b\n\"x\r\ny\",1\n\"p\nq\rr\",2\nlast,3\n").document.tables[0]
        XCTAssertEqual(rowTexts(table), [["x\r\ny", "1"], ["p\nq\rr", "2"], ["last", "3"]])
        XCTAssertEqual(table.rows.map(\.line), [2, 4, 7])
    }

    func testBlankLinesAreSkippedButCounted() throws {
        let table = try readCSV("a\n\n1\r\n\r\n2\n").document.tables[0]
        XCTAssertEqual(rowTexts(table), [["1"], ["2"]])
        XCTAssertEqual(table.rows.map(\.line), [3, 5])
    }

    func testQuotesAreUndoubledAndTextAfterAClosingQuoteIsKept() throws {
        let table = try readCSV("a,b,c\n\"say \"\"hi\"\"\",x\"y,\"ab\"c\n").document.tables[0]
        XCTAssertEqual(rowTexts(table), [["say \"hi\"", "x\"y", "abc"]])
    }

    func testATrailingDelimiterGivesAnEmptyLastField() throws {
        let table = try readCSV("a,b\n1,").document.tables[0]
        XCTAssertEqual(table.rows[0].cells, [.number(ExactDecimal("1")!), .empty])
        XCTAssertTrue(try readCSV("a,b\n1,").reader.diagnostics.isEmpty)
    }

    // MARK: Encodings

    func testUTF8ByteOrderMarkIsNotPartOfTheFirstName() throws {
        let (document, reader) = try readCSV([0xEF, 0xBB, 0xBF] + Array("名称,金额\n北京,1\n".utf8))
        XCTAssertEqual(reader.encoding, .utf8)
        XCTAssertEqual(document.tables[0].columns.map(\.name), ["名称", "金额"])
        XCTAssertEqual(rowTexts(document.tables[0]), [["北京", "1"]])
    }

    func testUTF16WithByteOrderMarkInBothByteOrders() throws {
        let text = "名称,金额\r\n北京,\"9,885.752630\"\r\n"
        let units = Array(text.utf16)
        let little: [UInt8] = [0xFF, 0xFE] + units.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + units.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        for (bytes, encoding) in [(little, TextEncoding.utf16LittleEndian), (big, .utf16BigEndian)] {
            let (document, reader) = try readCSV(bytes)
            XCTAssertEqual(reader.encoding, encoding)
            XCTAssertEqual(document.tables[0].columns.map(\.name), ["名称", "金额"])
            XCTAssertEqual(document.tables[0].rows[0].cells,
                           [.text("北京"), .number(ExactDecimal("9885.752630")!, raw: "9,885.752630")])
        }
    }

    func testUTF16CutIntoSmallBlocksReadsTheSame() throws {
        let text = "name,value\n\"多\n行\",1\n尾,2\n"
        let bytes: [UInt8] = [0xFF, 0xFE] + Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        var options = CSVReadOptions()
        options.blockSize = 5
        XCTAssertEqual(try readCSV(bytes, options: options).document, try readCSV(bytes).document)
        XCTAssertEqual(rowTexts(try readCSV(bytes, options: options).document.tables[0]), [["多\n行", "1"], ["尾", "2"]])
    }

    /// 中 is D6 D0 and 文 is CE C4 in GB18030 (and GB2312); not valid UTF-8.
    static let chineseInGB18030: [UInt8] = [0xD6, 0xD0, 0xCE, 0xC4]

    func testGB18030IsReadWhenTheBytesAreNotUTF8() throws {
        let bytes = Array("name,value\n".utf8) + Self.chineseInGB18030 + Array(",1\n".utf8)
        let (document, reader) = try readCSV(bytes)
        XCTAssertEqual(reader.encoding, .gb18030)
        XCTAssertEqual(rowTexts(document.tables[0]), [["中文", "1"]])
    }

    func testBytesNeitherUTF8NorGB18030AreAnErrorNamingTheLine() throws {
        let bytes = Array("name\n".utf8) + Self.chineseInGB18030 + Array("\nok\n".utf8) + [0xFF, 0x0A]
        let error = formatError { _ = try readCSV(bytes) }
        XCTAssertEqual(error?.line, 4)
        XCTAssertTrue(error?.message.contains("GB18030") ?? false, "\(String(describing: error))")
    }

    func testInvalidUTF8AfterAValidFirstBlockIsAnErrorNamingItsLine() throws {
        var options = CSVReadOptions()
        options.blockSize = 16
        let bytes = Array("name,note\n1,plain ascii\n2,\"two\nlines \u{4E2D}".utf8) + [0xC3, 0x28] + Array("\"\n".utf8)
        let error = formatError { _ = try readCSV(bytes, options: options) }
        XCTAssertEqual(error?.line, 4, "\(String(describing: error))")
        XCTAssertTrue(error?.message.contains("UTF-8") ?? false)
    }

    func testANulByteMarksBinaryInput() {
        let error = formatError { _ = try readCSV([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x0A, 0x41]) }
        XCTAssertNotNil(error)
        XCTAssertEqual(error?.line, 1)
    }

    // MARK: Delimiters

    func testDelimiterSniffing() throws {
        let cases: [(String, UInt8, [[String]])] = [
            ("a;b;c\n1,5;2;x\n4;5;6\n", 0x3B, [["1,5", "2", "x"], ["4", "5", "6"]]),
            ("a\tb\nx, y\t1\n", 0x09, [["x, y", "1"]]),
            ("a|b|c\n1|2|3\n", 0x7C, [["1", "2", "3"]]),
            ("a,b\nx;y,1\n\"p|q\",2\n", 0x2C, [["x;y", "1"], ["p|q", "2"]]),
            ("\"a;b\",c\n1,2\n", 0x2C, [["1", "2"]]),
            ("only\none\n", 0x2C, [["one"]]),
        ]
        for (text, delimiter, rows) in cases {
            let (document, reader) = try readCSV(text)
            XCTAssertEqual(reader.delimiter, delimiter, text)
            XCTAssertEqual(rowTexts(document.tables[0]), rows, text)
        }
    }

    func testGivenDelimiterOverridesSniffing() throws {
        let (document, reader) = try readCSV("a;b\n1;2\n", options: CSVReadOptions(delimiter: 0x2C))
        XCTAssertEqual(reader.delimiter, 0x2C)
        XCTAssertEqual(document.tables[0].columns.map(\.name), ["a;b"])
    }

    // MARK: Head and columns

    func testHeadNamesColumnsAfterTheFirstRecord() throws {
        let head = try readCSV("编码,名称,金额\n1,x,2\n", name: "data/budget.2026.csv").document.tables[0].head
        XCTAssertEqual(head.id, "budget.2026")
        XCTAssertEqual(head.title, "")
        XCTAssertEqual(head.line, 1)
        XCTAssertEqual(head.header, [[HeaderCell(text: "编码", column: 0), HeaderCell(text: "名称", column: 1),
                                      HeaderCell(text: "金额", column: 2)]])
        XCTAssertEqual(head.columns.map(\.path), [["编码"], ["名称"], ["金额"]])
    }

    func testTableIDs() {
        XCTAssertEqual(CSVReader.tableID(forFileNamed: "-"), "stdin")
        XCTAssertEqual(CSVReader.tableID(forFileNamed: "a/b/data.csv"), "data")
        XCTAssertEqual(CSVReader.tableID(forFileNamed: "noext"), "noext")
        XCTAssertEqual(CSVReader.tableID(forFileNamed: ".hidden"), ".hidden")
    }

    func testWithoutHeaderColumnsAreNumberedAndTheFirstRecordIsData() throws {
        let table = try readCSV("1,x\n2,y\n", options: CSVReadOptions(hasHeader: false)).document.tables[0]
        XCTAssertEqual(table.columns.map(\.name), ["column1", "column2"])
        XCTAssertEqual(table.header, [])
        XCTAssertEqual(rowTexts(table), [["1", "x"], ["2", "y"]])
        XCTAssertEqual(table.rows.map(\.line), [1, 2])
    }

    func testALookaheadOfZeroRowsStillReadsOne() throws {
        let options = CSVReadOptions(hasHeader: false, lookaheadRows: 0)
        let (document, reader) = try readCSV("1,x\n2,y\n", options: options)
        XCTAssertEqual(document.tables[0].columns.map(\.type), [.number, .text])
        XCTAssertEqual(rowTexts(document.tables[0]), [["1", "x"], ["2", "y"]])
        XCTAssertEqual(reader.diagnostics, [])
    }

    func testColumnTypesComeFromTheLookahead() throws {
        let table = try readCSV("n,t,e,mixed\n1,a,,1\n2.50,b,,x\n").document.tables[0]
        XCTAssertEqual(table.columns.map(\.type), [.number, .text, .empty, .text])
    }

    func testACellContradictingItsColumnTypeAfterTheLookaheadIsWarnedOnce() throws {
        var options = CSVReadOptions()
        options.lookaheadRows = 1
        let (document, reader) = try readCSV("amount\n1\n2\nn/a\nmissing\n", options: options)
        XCTAssertEqual(document.tables[0].columns[0].type, .number)
        XCTAssertEqual(document.tables[0].rows[2].cells, [.text("n/a")])
        XCTAssertEqual(reader.diagnostics.count, 1)
        XCTAssertEqual(reader.diagnostics.first?.line, 4)
    }

    func testEmptyInputIsOneTableWithoutColumns() throws {
        let document = try readCSV("").document
        XCTAssertEqual(document.tables.count, 1)
        XCTAssertEqual(document.tables[0].columns, [])
        XCTAssertEqual(document.tables[0].rows, [])
    }

    // MARK: Cells

    func testIdentifiersStayText() throws {
        let table = try readCSV("科目编码,value,zip,amount\n2010350,020101,10001,1234567890123456\n2010351,30101,10002,12\n")
            .document.tables[0]
        XCTAssertEqual(table.rows[0].cells, [.text("2010350"), .text("020101"), .text("10001"), .text("1234567890123456")])
        XCTAssertEqual(table.rows[1].cells[0], .text("2010351"))
        XCTAssertEqual(table.rows[1].cells[1], .number(ExactDecimal("30101")!))
        XCTAssertEqual(table.rows[1].cells[3], .number(ExactDecimal("12")!))
        XCTAssertEqual(table.columns.map(\.type), [.text, .text, .text, .text])
    }

    func testNumbersAreExactWithTheirRawText() throws {
        let table = try readCSV("name,amount,share\n甲,\"9,885.752630\",0.500000\n乙,\"(1,234.50)\",-0\n").document.tables[0]
        let amount = try XCTUnwrap(table.rows[0].cells[1].number)
        XCTAssertEqual(amount.text, "9885.752630")
        XCTAssertEqual(amount.scale, 6)
        XCTAssertEqual(table.rows[0].cells[1], .number(amount, raw: "9,885.752630"))
        XCTAssertEqual(table.rows[0].cells[2], .number(ExactDecimal("0.500000")!, raw: nil))
        XCTAssertEqual(table.rows[1].cells[1], .number(ExactDecimal("-1234.50")!, raw: "(1,234.50)"))
        XCTAssertEqual(table.rows[1].cells[2].number?.text, "-0")
        XCTAssertEqual(table.columns.map(\.type), [.text, .number, .number])
    }

    // MARK: Ragged rows

    func testShortRowIsPaddedWithAWarning() throws {
        let (document, reader) = try readCSV("a,b,c\n1,2\n3,4,5\n")
        XCTAssertEqual(document.tables[0].rows[0].cells, [.number(ExactDecimal("1")!), .number(ExactDecimal("2")!), .empty])
        XCTAssertEqual(reader.diagnostics.count, 1)
        XCTAssertEqual(reader.diagnostics[0].line, 2)
        XCTAssertEqual(reader.diagnostics[0].severity, .warning)
        XCTAssertTrue(reader.diagnostics[0].message.contains("padded"), reader.diagnostics[0].message)
    }

    func testLongRowInTheLookaheadAddsColumnsWithAWarning() throws {
        let (document, reader) = try readCSV("a,b\n1,2,x,y\n3,4\n")
        let table = document.tables[0]
        XCTAssertEqual(table.columns.map(\.name), ["a", "b", "column3", "column4"])
        XCTAssertEqual(table.header[0].map(\.text), ["a", "b", "column3", "column4"])
        XCTAssertEqual(rowTexts(table), [["1", "2", "x", "y"], ["3", "4", "", ""]])
        XCTAssertEqual(reader.diagnostics.map(\.line), [2])
        XCTAssertTrue(reader.diagnostics[0].message.contains("column3–column4"), reader.diagnostics[0].message)
    }

    func testEmptyExtraFieldsAreDroppedWithAWarning() throws {
        let (document, reader) = try readCSV("a,b\n1,2,,\n3,4\n")
        XCTAssertEqual(document.tables[0].columns.count, 2)
        XCTAssertEqual(rowTexts(document.tables[0]), [["1", "2"], ["3", "4"]])
        XCTAssertEqual(reader.diagnostics.map(\.line), [2])
        XCTAssertTrue(reader.diagnostics[0].message.contains("2 empty extra fields were dropped"), reader.diagnostics[0].message)
    }

    func testLongRowAfterTheLookaheadIsAnErrorNamingItsLine() throws {
        var options = CSVReadOptions()
        options.lookaheadRows = 1
        let reader = try CSVReader(source: MemoryByteSource(Array("a,b\n1,2\n3,4\n5,6,7\n".utf8)), name: "t.csv", options: options)
        _ = try reader.nextTable()
        XCTAssertEqual(try reader.nextRow()?.line, 2)
        XCTAssertEqual(try reader.nextRow()?.line, 3)
        let error = formatError { _ = try reader.nextRow() }
        XCTAssertEqual(error?.line, 4)
    }

    func testRaggedRowWarningsAreCappedWithACount() throws {
        let text = "a,b\n" + String(repeating: "1\n", count: RowProducer.maximumRaggedRowWarnings + 5)
        let (document, reader) = try readCSV(text)
        XCTAssertEqual(document.tables[0].rows.count, RowProducer.maximumRaggedRowWarnings + 5)
        XCTAssertEqual(reader.diagnostics.count, RowProducer.maximumRaggedRowWarnings + 1)
        XCTAssertTrue(reader.diagnostics.last?.message.hasPrefix("5 more ragged rows") ?? false)
    }

    // MARK: Errors and limits

    func testUnterminatedQuoteNamesTheLineWhereItOpened() {
        let error = formatError { _ = try readCSV("a,b\n1,2\n3,\"open\nmore\nstill\n") }
        XCTAssertEqual(error?.line, 3)
        XCTAssertTrue(error?.message.contains("unterminated quote") ?? false)
    }

    func testFieldLongerThanTheLimitIsAnErrorNamingItsLine() {
        let options = CSVReadOptions(limits: CSVLimits(maximumFieldBytes: 10))
        XCTAssertNoThrow(try readCSV("a\n0123456789\n", options: options))
        let error = formatError { _ = try readCSV("a\nshort\n\"0123456789\n\"\n", options: options) }
        XCTAssertEqual(error?.line, 3)
        XCTAssertTrue(error?.message.contains("field longer than 10 bytes") ?? false, "\(String(describing: error))")
    }

    func testAQuotedFieldPastTheLimitNamesWhereTheQuoteOpened() {
        let options = CSVReadOptions(limits: CSVLimits(maximumFieldBytes: 16))
        let error = formatError { _ = try readCSV("a,b\n1,\"never closed\n2,x\n3,y\n4,z\n", options: options) }
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("closing quote missing") ?? false, "\(String(describing: error))")
    }

    /// The default limit: a field past 32 MiB fails, having read little more than that.
    func testDefaultFieldLimitIs32MiB() {
        let piece = String(repeating: "y", count: 1 << 16)
        let source = GeneratedSource(header: "a\nx,", rows: 40 << 4) { _ in piece }
        let error = formatError { _ = try CSVReader(source: source, name: "huge.csv").readDocument() }
        XCTAssertEqual(error?.line, 2)
        XCTAssertEqual(error?.message, "a field longer than 32 MiB (the limit)")
        XCTAssertLessThan(source.producedBytes, 33 << 20)
    }

    func testRecordLongerThanTheLimitIsAnError() {
        let options = CSVReadOptions(limits: CSVLimits(maximumRecordBytes: 8))
        let error = formatError { _ = try readCSV("a,b,c\n123,456,789\n", options: options) }
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("record longer than 8 bytes") ?? false)
    }

    func testMoreFieldsThanTheLimitIsAnError() {
        let options = CSVReadOptions(limits: CSVLimits(maximumFieldsPerRecord: 3))
        let error = formatError { _ = try readCSV("a,b,c\n1,2,3,4\n", options: options) }
        XCTAssertEqual(error?.line, 2)
        XCTAssertTrue(error?.message.contains("more than 3 fields") ?? false)
    }

    /// A 100 MB quoted field under a 1 MiB limit fails after reading little more than the
    /// limit: the reader never holds the whole field.
    func testAHugeFieldFailsEarlyWithBoundedReading() {
        // The field arrives a 64 KiB piece at a time, never as a whole.
        let piece = String(repeating: "x", count: 1 << 16)
        let source = GeneratedSource(header: "a\n\"", rows: 100 << 4) { _ in piece }
        let options = CSVReadOptions(limits: CSVLimits(maximumFieldBytes: 1 << 20))
        let error = formatError { _ = try CSVReader(source: source, name: "huge.csv", options: options).readDocument() }
        XCTAssertEqual(error?.line, 2)
        XCTAssertLessThan(source.producedBytes, 4 << 20)
    }

    // MARK: Streaming

    /// 200,000 generated rows stream through: when the first row is handed out only the
    /// look-ahead has been read, and every row arrives with its line and values.
    func testLargeInputStreamsRowByRow() throws {
        let rowCount = 200_000
        let source = GeneratedSource(header: "编码,名称,金额\n", rows: rowCount) { index in
            index % 1000 == 7 ? "\(index),\"多行\n说明\",\(index).50\n" : "\(index),名称\(index),\(index).50\n"
        }
        let reader = try CSVReader(source: source, name: "big.csv")
        _ = try reader.nextTable()
        let first = try XCTUnwrap(reader.nextRow())
        XCTAssertEqual(first.cells, [.text("0"), .text("名称0"), .number(ExactDecimal("0.50")!)])
        XCTAssertLessThan(source.producedBytes, 1 << 20, "only the look-ahead and a block are read before the first row")
        var count = 1
        var line = first.line ?? 0
        var last = first
        while let row = try reader.nextRow() {
            count += 1
            XCTAssertGreaterThan(row.line ?? 0, line)
            line = row.line ?? 0
            last = row
        }
        XCTAssertEqual(count, rowCount)
        XCTAssertEqual(last.cells[0], .text("199999"))
        XCTAssertEqual(last.cells[2], .number(ExactDecimal("199999.50")!))
        XCTAssertEqual(last.line, 1 + rowCount + rowCount / 1000)
        XCTAssertTrue(reader.diagnostics.isEmpty)
    }

    // MARK: Background reading

    /// With a look-ahead of one row nearly every row comes through the background thread:
    /// rows, diagnostics and errors are those of reading in line, in the same order.
    func testBackgroundReadingGivesWhatReadingInLineGives() throws {
        var many = "a,b,amount\n"
        for index in 0..<3_000 {
            many += index % 97 == 0 ? "\(index)\n" : "\(index),\"x\ny\",\(index).25\n"
        }
        let inputs = ["a,b\n1,2\n3\n4,5,,\n6,7\nx,8\n", many, many + "1,2,3,4\n", many + "\"open\n",
                      "n\n1\n2\nthree\n4\n", "a\n"]
        for input in inputs {
            var results: [String] = []
            for background in [false, true] {
                var options = CSVReadOptions(lookaheadRows: 1, readsInBackground: background)
                options.blockSize = 1 << 12
                let reader = try CSVReader(source: MemoryByteSource(Array(input.utf8)), name: "t.csv", options: options)
                var rows: [Row] = []
                var outcome = "end"
                do {
                    while try reader.nextTable() != nil {
                        while let row = try reader.nextRow() { rows.append(row) }
                    }
                } catch {
                    outcome = "\(error)"
                }
                results.append("\(rows)|\(reader.diagnostics)|\(outcome)")
            }
            XCTAssertEqual(results[0], results[1], String(input.prefix(40)))
        }
    }

    /// A reader dropped in the middle of a long input stops its thread and returns.
    func testAbandonedReaderStopsItsBackgroundThread() throws {
        let source = GeneratedSource(header: "n\n", rows: 10_000_000) { "\($0)\n" }
        var reader: CSVReader? = try CSVReader(source: source, name: "endless.csv", options: CSVReadOptions(lookaheadRows: 10))
        _ = try reader?.nextTable()
        for _ in 0..<5_000 { XCTAssertNotNil(try reader?.nextRow()) }
        reader = nil
        let produced = source.producedBytes
        XCTAssertLessThan(produced, 10 << 20, "the thread stayed a few batches ahead")
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(source.producedBytes, produced, "nothing is read after the reader is gone")
    }
}

/// A byte source that makes its rows on demand, counting what it produced.
final class GeneratedSource: ByteSource {
    private let rowCount: Int
    private let makeRow: (Int) -> String
    private var pending: [UInt8]
    private var pendingOffset = 0
    private var nextRow = 0
    private(set) var producedBytes = 0

    init(header: String, rows: Int, makeRow: @escaping (Int) -> String) {
        rowCount = rows
        self.makeRow = makeRow
        pending = Array(header.utf8)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while pendingOffset == pending.count {
            guard nextRow < rowCount else { return 0 }
            pending = Array(makeRow(nextRow).utf8)
            pendingOffset = 0
            nextRow += 1
        }
        let count = min(buffer.count, pending.count - pendingOffset)
        pending.withUnsafeBytes { bytes in
            buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + pendingOffset, byteCount: count)
        }
        pendingOffset += count
        producedBytes += count
        return count
    }
}
