import TableModel
import XCTest
@testable import CSVFormat

final class CSVWriterTests: XCTestCase {
    func table(_ names: [String], _ rows: [[Cell]]) -> Document {
        let head = TableHead(id: "t", columns: names.map { Column(path: [$0]) })
        return Document(source: SourceInfo(name: "t", format: "test"),
                        tables: [Table(head: head, rows: rows.map { Row(cells: $0) })])
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testFieldsAreQuotedOnlyWhereNeeded() throws {
        let document = table(["a", "b", "c", "d", "e", "f"], [[
            .text("plain"), .text(" spaced "), .text("a,b"), .text("say \"hi\""), .text("line\nbreak"), .text("cr\rx"),
        ]])
        XCTAssertEqual(text(try writeCSV(document)),
                       "a,b,c,d,e,f\r\nplain, spaced ,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",\"cr\rx\"\r\n")
    }

    func testHeaderIsTheFlattenedColumnNames() throws {
        let head = TableHead(id: "t", columns: [Column(path: ["预算数", "基本支出"]), Column(path: ["项目"])])
        let document = Document(source: SourceInfo(name: "t", format: "test"), tables: [Table(head: head)])
        XCTAssertEqual(text(try writeCSV(document)), "预算数/基本支出,项目\r\n")
    }

    func testNumbersAreCanonicalUnlessTheFormatIsKept() throws {
        let amount = Cell.number(ExactDecimal("9885.752630")!, raw: "9,885.752630")
        let plain = Cell.number(ExactDecimal("-0.50")!)
        let document = table(["amount", "other"], [[amount, plain]])
        XCTAssertEqual(text(try writeCSV(document)), "amount,other\r\n9885.752630,-0.50\r\n")
        XCTAssertEqual(text(try writeCSV(document, options: CSVWriteOptions(keepNumberFormat: true))),
                       "amount,other\r\n\"9,885.752630\",-0.50\r\n")
    }

    func testByteOrderMarkAndLineFeedOption() throws {
        let bytes = try writeCSV(table(["a"], [[.text("x")]]), options: CSVWriteOptions(bom: true, lineEnding: .lf))
        XCTAssertEqual(bytes, [0xEF, 0xBB, 0xBF] + Array("a\nx\n".utf8))
    }

    func testGB18030Output() throws {
        let document = table(["名"], [[.text("中文")]])
        let bytes = try writeCSV(document, options: CSVWriteOptions(encoding: .gb18030))
        // 名 is C3 FB, 中 D6 D0, 文 CE C4.
        XCTAssertEqual(bytes, [0xC3, 0xFB, 0x0D, 0x0A, 0xD6, 0xD0, 0xCE, 0xC4, 0x0D, 0x0A])
        let withMark = try writeCSV(document, options: CSVWriteOptions(bom: true, encoding: .gb18030))
        XCTAssertEqual(Array(withMark.prefix(4)), [0x84, 0x31, 0x95, 0x33], "U+FEFF in GB18030")
        let reread = try readCSV(bytes).document.tables[0]
        XCTAssertEqual(reread.columns.map(\.name), ["名"])
        XCTAssertEqual(rowTexts(reread), [["中文"]])
    }

    func testGB18030OutputLongerThanABlockIsWhole() throws {
        let long = String(repeating: "预算", count: 50_000)  // cut by the writer's 64 KiB blocks
        let bytes = try writeCSV(table(["a"], [[.text(long)]]), options: CSVWriteOptions(encoding: .gb18030))
        XCTAssertEqual(rowTexts(try readCSV(bytes).document.tables[0]), [[long]])
    }

    func testTabDelimiterQuotesTabs() throws {
        let document = table(["a", "b"], [[.text("x,y"), .text("p\tq")]])
        XCTAssertEqual(text(try writeCSV(document, options: CSVWriteOptions(delimiter: 0x09))), "a\tb\r\nx,y\t\"p\tq\"\r\n")
    }

    func testShortRowsArePaddedAndExtraCellsKept() throws {
        let document = table(["a", "b", "c"], [[.text("1")], [], [.text("1"), .text("2"), .text("3"), .text("4")]])
        XCTAssertEqual(text(try writeCSV(document)), "a,b,c\r\n1,,\r\n,,\r\n1,2,3,4\r\n")
    }

    func testAnEmptyRowOfOneColumnIsNotABlankLine() throws {
        let document = table(["a"], [[.text("x")], [.empty], []])
        let bytes = try writeCSV(document)
        XCTAssertEqual(text(bytes), "a\r\nx\r\n\"\"\r\n\"\"\r\n")
        XCTAssertEqual(try readCSV(bytes).document.tables[0].rows.map(\.cells), [[.text("x")], [.empty], [.empty]])
    }

    func testASecondTableIsAnError() throws {
        let writer = CSVWriter(output: MemoryByteSink())
        try writer.begin(source: SourceInfo(name: "t", format: "test"))
        try writer.beginTable(TableHead(id: "one"))
        try writer.endTable(repairs: [])
        let error = formatError { try writer.beginTable(TableHead(id: "two")) }
        XCTAssertEqual(error?.message, "CSV holds one table; write one file per table")
    }

    func testAQuoteOrLineBreakAsDelimiterIsRefused() {
        let writer = CSVWriter(output: MemoryByteSink(), options: CSVWriteOptions(delimiter: 0x22))
        XCTAssertNotNil(formatError { try writer.beginTable(TableHead(id: "t")) })
    }

    /// Read ∘ write is the identity on tables of awkward values: CJK, quotes, delimiters, line
    /// breaks of every kind, tabs, control characters, leading zeros, `-0`, numbers of 1–38
    /// digits and scale 0–12, empty cells.
    func testWritingThenReadingGivesTheSameTable() throws {
        var generator = SeededGenerator(seed: 20_260_101)
        let pieces = ["预算", "a", "\"", ",", "\n", "\r\n", "\r", "\t", " ", "\u{1}", "x;y", "|", "0", "é", "𝄞"]
        for round in 0..<40 {
            let columnCount = Int.random(in: 1...6, using: &generator)
            let names = (0..<columnCount).map { "col\($0) \(pieces[Int.random(in: 0..<pieces.count, using: &generator)])" }
            var rows: [[Cell]] = []
            for _ in 0..<Int.random(in: 0...30, using: &generator) {
                rows.append((0..<columnCount).map { _ in Self.randomCell(pieces: pieces, using: &generator) })
            }
            let document = table(names, rows)
            for options in [CSVWriteOptions(), CSVWriteOptions(delimiter: 0x09, bom: true, lineEnding: .lf),
                            CSVWriteOptions(delimiter: 0x3B, encoding: .gb18030)] {
                let bytes = try writeCSV(document, options: options)
                let reread = try readCSV(bytes, options: CSVReadOptions(delimiter: options.delimiter)).document.tables[0]
                XCTAssertEqual(reread.columns.map(\.name), names, "round \(round)")
                XCTAssertEqual(reread.rows.map(\.cells), rows, "round \(round), \(options)")
            }
        }
    }

    static func randomCell(pieces: [String], using generator: inout SeededGenerator) -> Cell {
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
            return .empty
        case 1:
            // A number: 1–38 digits, scale 0–12 (within the digits), maybe negative or -0. An
            // integer of 16 digits or more reads back as text by design (an ID number), so
            // integers stay shorter.
            let digitCount = Int.random(in: 1...38, using: &generator)
            var digits = (0..<digitCount).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            let scale = max(Int.random(in: 0...min(12, digitCount - 1), using: &generator), digitCount >= 16 ? 1 : 0)
            var integer = String(digits.prefix(digitCount - scale)).drop { $0 == "0" }
            if integer.isEmpty { integer = "0" }
            digits = scale > 0 ? integer + "." + digits.suffix(scale) : String(integer)
            let sign = Bool.random(using: &generator) ? "-" : ""
            return .number(ExactDecimal(sign + digits)!)
        case 2:
            // An identifier with leading zeros: stays text.
            return .text("0" + String(Int.random(in: 0...99_999, using: &generator)))
        default:
            // Text: starts with a letter so that it never reads as a number.
            let count = Int.random(in: 1...5, using: &generator)
            return .text("t" + (0..<count).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined())
        }
    }
}

/// A small deterministic generator (SplitMix64) so that property tests repeat.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
