import CSVFormat
import JSONFormat
import OOXML
import TableModel
import XCTest

/// Lossless by construction: for random tables, writing then reading gives back the same table,
/// for every format pair that can round-trip.
///
/// Pairs that round-trip, and what "the same" means for each:
/// - JSON → JSON: the whole `Document` (source, heads, header trees, column types, row kinds and
///   lines, every cell with its exact digits, scale, sign of zero and raw text, repairs,
///   diagnostics). With `--json-numbers string` too, for tables whose columns are all-number or
///   all-text.
/// - CSV → CSV (UTF-8 with and without BOM, GB18030, CRLF and LF, `,` `;` tab `|`): the column
///   names, the column types and every cell. CSV holds one table of text fields, so what it
///   cannot hold is left out of the tables generated for it, each for its reason:
///   - integers of 16 or more characters come back as text (the ID rule: long digit runs are
///     identifiers, not amounts);
///   - text that reads as a number (`-0`, `1,234`, `(5)`) comes back as that number: CSV has no
///     types, the reader types fields by `CellTyping`; an empty text cell comes back empty;
///   - a number's raw text (`9,885.75`) is written only with `--keep-number-format`, and then
///     the number's canonical text is lost instead;
///   - U+0000 marks binary input and is refused; a BOM in GB18030 (84 31 95 33) is not
///     recognised, so GB18030 is written without one;
///   - caption, unit, notes, header tree levels, row kinds, repairs and diagnostics have no
///     place in CSV (the header is the flat column names); the table id is the file name;
///   - columns named like identifiers (`id`, `编码`) keep their digits as text.
///   The delimiter is given to the reader: sniffing is a guess about unknown input.
/// - XLSX → XLSX (without caption rows): the column names, the column types and every cell.
///   Left out, each for its reason:
///   - numbers of more than 15 significant digits are written as text (a spreadsheet holds a
///     double), with a warning; `--xlsx-numbers always` writes them as numbers that Excel rounds;
///   - a number's raw text is not kept (the cell shows the number in a format of its scale);
///   - a negative zero is written as zero (spreadsheet numbers have no sign of zero);
///   - an empty text cell is an empty cell, and rows with no value at the end of a table are
///     not kept (a worksheet's rows end at its last value);
///   - caption, unit and notes are rows above the header (`writesCaptionRows`), read back as
///     the sheet's title row, not as head fields; the table id is the sheet name (at most 31
///     characters, without `[]:*?/\`); row kinds are bold rows; the column header is one row
///     of labels here (a header tree comes back from its merged cells, tested in OOXMLTests).
/// - No reader exists for JSON Lines and Markdown (output-only formats), so they cannot
///   round-trip.
final class FormatRoundTripPropertyTests: XCTestCase {
    /// Tables per property; the seed makes every run the same (a failure names its case).
    private let cases = 1_000

    // MARK: JSON

    func testJSONWriteThenReadGivesTheSameDocument() throws {
        var generator = TableGenerator(seed: 0x7AB_C0DE)
        for index in 0..<cases {
            let document = generator.document(for: .json)
            for asStrings in [false, true] where !asStrings || generator.hasOnlyTypedColumns(document) {
                let output = MemoryByteSink()
                try DocumentSource(document).transfer(to: JSONWriter(output: output, options: JSONWriteOptions(numbersAsStrings: asStrings)))
                let read: Document
                do {
                    read = try TabconvJSONReader.read(output.bytes, name: "t.json")
                } catch {
                    return XCTFail("case \(index): the written JSON does not read: \(error)\n\(output.text)")
                }
                guard read == document else {
                    return XCTFail("case \(index) (numbers as strings: \(asStrings)) differs:\n\(firstDifference(document, read))\n\(output.text)")
                }
            }
        }
    }

    // MARK: CSV

    func testCSVWriteThenReadGivesTheSameTable() throws {
        var generator = TableGenerator(seed: 0xC5_5EED)
        let variants: [(delimiter: UInt8, bom: Bool, encoding: TextEncoding, ending: CSVWriteOptions.LineEnding)] = [
            (0x2C, false, .utf8, .crlf), (0x2C, true, .utf8, .lf), (0x3B, false, .utf8, .lf),
            (0x09, false, .utf8, .crlf), (0x7C, true, .utf8, .crlf), (0x2C, false, .gb18030, .crlf),
        ]
        for index in 0..<cases {
            let table = generator.document(for: .csv).tables[0]
            let variant = variants[index % variants.count]
            let output = MemoryByteSink()
            let writeOptions = CSVWriteOptions(delimiter: variant.delimiter, bom: variant.bom, encoding: variant.encoding,
                                               lineEnding: variant.ending)
            try DocumentSource(Document(source: SourceInfo(name: "t", format: "csv"), tables: [table]))
                .transfer(to: CSVWriter(output: output, options: writeOptions))
            let readOptions = CSVReadOptions(delimiter: variant.delimiter, readsInBackground: false)
            let read: Table
            do {
                let reader = try CSVReader(source: MemoryByteSource(output.bytes), name: "t.csv", options: readOptions)
                read = try XCTUnwrap(reader.readDocument().tables.first)
            } catch {
                return XCTFail("case \(index) \(variant): the written CSV does not read: \(error)\n\(output.text)")
            }
            let expectedPaths = table.columns.map(\.path)
            let readPaths = read.columns.map(\.path)
            guard readPaths == expectedPaths else {
                return XCTFail("case \(index) \(variant): columns \(readPaths) ≠ \(expectedPaths)\n\(output.text)")
            }
            XCTAssertEqual(read.columns.map(\.type), table.columns.map(\.type), "case \(index)")
            guard read.rows.map(\.cells) == table.rows.map(\.cells) else {
                let pairs = zip(table.rows.map(\.cells), read.rows.map(\.cells)).enumerated().first { $0.element.0 != $0.element.1 }
                return XCTFail("case \(index) \(variant): \(table.rows.count) rows written, \(read.rows.count) read; first difference: \(String(describing: pairs))\n\(output.text)")
            }
        }
    }

    // MARK: XLSX

    func testXLSXWriteThenReadGivesTheSameTable() throws {
        var generator = TableGenerator(seed: 0x0_5EE7)
        for index in 0..<(cases / 4) {
            let table = generator.document(for: .xlsx).tables[0]
            let output = MemoryByteSink()
            let writer = XLSXWriter(output: output, options: XLSXWriteOptions(deflatesInBackground: false, writesCaptionRows: false))
            try DocumentSource(Document(source: SourceInfo(name: "t", format: "csv"), tables: [table])).transfer(to: writer)
            var readOptions = XLSXReadOptions()
            readOptions.readsInBackground = false
            readOptions.headerRows = 1
            let read: Table
            do {
                read = try XCTUnwrap(XLSXReader(bytes: output.bytes, name: "t.xlsx", options: readOptions).readDocument().tables.first)
            } catch {
                return XCTFail("case \(index): the written workbook does not read: \(error)")
            }
            let expectedPaths = table.columns.map(\.path)
            let readPaths = read.columns.map(\.path)
            guard readPaths == expectedPaths else {
                return XCTFail("case \(index): columns \(readPaths) ≠ \(expectedPaths)")
            }
            XCTAssertEqual(read.columns.map(\.type), table.columns.map(\.type), "case \(index)")
            guard read.rows.map(\.cells) == table.rows.map(\.cells) else {
                let pairs = zip(table.rows.map(\.cells), read.rows.map(\.cells)).enumerated().first { $0.element.0 != $0.element.1 }
                return XCTFail("case \(index): \(table.rows.count) rows written, \(read.rows.count) read; first difference: \(String(describing: pairs))")
            }
        }
    }

    /// The documented exceptions behave as documented (they are left out of the generator).
    func testCSVExceptionsAreTheDocumentedOnes() throws {
        let table = Table(head: TableHead(id: "t", columns: [Column(path: ["a"], type: .number), Column(path: ["b"])]),
                          rows: [Row(cells: [.number(ExactDecimal("1234567890123456")!), .text("-0")]),
                                 Row(cells: [.number(ExactDecimal("9885.75")!, raw: "9,885.75"), .text("")])])
        let output = MemoryByteSink()
        try DocumentSource(Document(source: SourceInfo(name: "t", format: "csv"), tables: [table])).transfer(to: CSVWriter(output: output))
        let read = try CSVReader(source: MemoryByteSource(output.bytes), name: "t.csv",
                                 options: CSVReadOptions(readsInBackground: false)).readDocument().tables[0]
        XCTAssertEqual(read.rows.map(\.cells), [[.text("1234567890123456"), .number(ExactDecimal("-0")!)],
                                                [.number(ExactDecimal("9885.75")!), .empty]])
    }

    // MARK: Reporting

    private func firstDifference(_ expected: Document, _ actual: Document) -> String {
        if expected.source != actual.source { return "source \(expected.source) ≠ \(actual.source)" }
        if expected.diagnostics != actual.diagnostics { return "diagnostics \(expected.diagnostics) ≠ \(actual.diagnostics)" }
        for (left, right) in zip(expected.tables, actual.tables) where left != right {
            if left.head != right.head { return "head \(left.head) ≠ \(right.head)" }
            if left.repairs != right.repairs { return "repairs \(left.repairs) ≠ \(right.repairs)" }
            for (a, b) in zip(left.rows, right.rows) where a != b { return "row \(a) ≠ \(b)" }
            return "\(left.rows.count) rows ≠ \(right.rows.count)"
        }
        return "\(expected.tables.count) tables ≠ \(actual.tables.count)"
    }
}

/// Random tables from a seeded generator (SplitMix64), so that a failure repeats.
struct TableGenerator {
    /// The format a table is made for: what it can hold decides what is generated.
    enum Target { case json, csv, xlsx }

    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    private mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    private mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
    private mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }

    /// Pieces text is made of: letters, digits, CJK, quotes, delimiters, line breaks, tabs,
    /// control characters, combining marks, emoji, U+2028, a BOM character, spaces at the ends.
    private static let pieces: [String] = [
        "a", "Z", "q", "0", "7", "收", "入", "预算", "合计", "万元", "\"", "\"\"", ",", ";", "|", "\t", "\n", "\r\n", "\r",
        " ", "  ", "\u{1}", "\u{1F}", "\u{7F}", "\u{8}", "\u{C}", "e\u{301}", "😀", "\u{2028}", "\u{FEFF}", "(", ")",
        "-", ".", "\\", "/", "<", "&", "'", "=", "\u{3000}", "１２", "\u{2212}",
    ]

    mutating func text(for target: Target) -> String {
        while true {
            var result = ""
            if chance(10) { result = pick(["007", "020101", "00", "0x1F", "1e5", "NaN", "-", "+", "1,23", "_x0041_", "_x005F_"]) }
            for _ in 0..<below(10) { result += pick(Self.pieces) }
            switch target {
            case .json:
                if chance(5) { result += "\u{0}" }
                return result
            case .xlsx:
                // An empty text cell is an empty cell in a worksheet.
                if !result.isEmpty { return result }
            case .csv:
                // CSV keeps text only when it does not read as a number and is not empty; a BOM
                // character first in the file would be taken for a byte order mark.
                if result.isEmpty || result.hasPrefix("\u{FEFF}") { continue }
                if case .text(let kept) = CellTyping.standard.cell(result), kept == result { return result }
            }
        }
    }

    /// A number of 1–38 significant digits and scale 0–12, sometimes negative (`-0` included).
    mutating func number(for target: Target) -> Cell {
        while true {
            let scale = below(13)
            let integerDigits = below(39 - scale) + (scale == 0 ? 1 : 0)
            var digits = integerDigits == 0 ? "0" : String(1 + below(9))
            for _ in 1..<max(integerDigits, 1) { digits += String(below(10)) }
            if scale > 0 {
                digits += "."
                for _ in 0..<scale { digits += String(below(10)) }
            }
            if chance(35) { digits = "-" + digits }
            if chance(3) { digits = pick(["0", "-0", "-0.00", "0.000000000000", "-0.000000000001"]) }
            guard let value = ExactDecimal(digits, options: .plain) else { continue }
            switch target {
            case .json:
                if chance(20) { return .number(value, raw: value.groupedText + (chance(50) ? "" : " ")) }
            case .csv:
                // Integers of 16+ characters read back as text (the ID rule).
                if value.scale == 0 && value.text.utf8.count >= CellTyping.standard.longDigitRunAsText { continue }
            case .xlsx:
                // More than a double's 15 digits are written as text; a negative zero as zero.
                if value.significantDigitCount > 15 || (value.isZero && value.isNegative) { continue }
            }
            return .number(value)
        }
    }

    private mutating func columnName(for target: Target) -> String {
        while true {
            let name = text(for: target)
            if target == .csv && CellTyping.isIdentifierColumn(name) { continue }
            return name
        }
    }

    /// A document of one table (CSV, XLSX) or 0–3 tables (JSON) with random heads, rows and cells.
    mutating func document(for target: Target) -> Document {
        let isJSON = target == .json
        var document = Document(source: SourceInfo(name: isJSON ? text(for: .json) : "t", format: pick(["csv", "text", "xlsx"])))
        for _ in 0..<(isJSON ? below(4) : 1) {
            document.tables.append(table(for: target))
        }
        if isJSON {
            for _ in 0..<below(3) {
                document.diagnostics.append(Diagnostic(pick([.warning, .note, .error]), line: chance(50) ? below(10_000) : nil,
                                                       place: chance(30) ? text(for: .json) : nil, text(for: .json)))
            }
        }
        return document
    }

    private mutating func table(for target: Target) -> Table {
        let isJSON = target == .json
        let width = 1 + below(7)
        // Each column is mostly numbers, mostly text, or mixed.
        let kinds = (0..<width).map { _ in below(3) }
        var rows: [Row] = []
        var line = 2
        for _ in 0..<below(15) {
            var cells: [Cell] = []
            for column in 0..<width {
                if chance(15) {
                    cells.append(.empty)
                } else if kinds[column] == 0 || (kinds[column] == 2 && chance(50)) {
                    cells.append(number(for: target))
                } else {
                    cells.append(.text(text(for: target)))
                }
            }
            rows.append(Row(kind: isJSON ? pick(RowKind.allCases) : .data, line: isJSON && chance(80) ? line : nil, cells: cells))
            line += 1 + below(3)
        }
        if target == .xlsx {
            // A worksheet's rows end at its last value.
            while let last = rows.last, last.cells.allSatisfy(\.isEmpty) { rows.removeLast() }
        }
        var columns: [Column] = []
        for column in 0..<width {
            let path = isJSON ? (0..<(1 + below(3))).map { _ in text(for: .json) } : [columnName(for: target)]
            let values = rows.map { $0.cells[column] }
            let type: ColumnType = values.contains { $0.text != nil } ? .text : (values.contains { $0.number != nil } ? .number : .empty)
            var made = Column(path: path, type: type)
            if isJSON && chance(10) { made.name = text(for: .json) }
            columns.append(made)
        }
        var head = TableHead(id: isJSON ? text(for: .json) : "t", columns: columns)
        head.header = [columns.enumerated().map { HeaderCell(text: $0.element.name, column: $0.offset) }]
        if isJSON {
            head.title = text(for: .json)
            head.unit = chance(50) ? pick(["万元", "元", "USD thousand", text(for: .json)]) : nil
            head.notes = (0..<below(3)).map { _ in text(for: .json) }
            head.line = chance(50) ? below(100) : nil
            if chance(40) {
                head.header.insert([HeaderCell(text: text(for: .json), column: 0, columnSpan: width, rowSpan: 1)], at: 0)
            }
        }
        var table = Table(head: head, rows: rows)
        if isJSON {
            table.repairs = (0..<below(3)).map { _ in Repair(line: below(500), action: text(for: .json)) }
        }
        return table
    }

    /// True when no column mixes numbers and text (numbers as strings then round-trip too).
    func hasOnlyTypedColumns(_ document: Document) -> Bool {
        document.tables.allSatisfy { table in
            table.columns.indices.allSatisfy { column in
                let values = table.rows.compactMap { column < $0.cells.count ? $0.cells[column] : nil }
                return !(values.contains { $0.number != nil } && values.contains { $0.text != nil })
            }
        }
    }
}
