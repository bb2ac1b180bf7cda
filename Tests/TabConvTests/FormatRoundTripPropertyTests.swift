import CSVFormat
import JSONFormat
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
/// - No reader exists for JSON Lines and Markdown (output-only formats), so they cannot
///   round-trip. XLSX joins when its writer lands: XLSX → XLSX for cells, with numbers beyond
///   15 significant digits written as text unless `--xlsx-numbers always`.
final class FormatRoundTripPropertyTests: XCTestCase {
    /// Tables per property; the seed makes every run the same (a failure names its case).
    private let cases = 1_000

    // MARK: JSON

    func testJSONWriteThenReadGivesTheSameDocument() throws {
        var generator = TableGenerator(seed: 0x7AB_C0DE)
        for index in 0..<cases {
            let document = generator.document(forCSV: false)
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
            let table = generator.document(forCSV: true).tables[0]
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

    mutating func text(forCSV: Bool) -> String {
        while true {
            var result = ""
            if chance(10) { result = pick(["007", "020101", "00", "0x1F", "1e5", "NaN", "-", "+", "1,23"]) }
            for _ in 0..<below(10) { result += pick(Self.pieces) }
            if !forCSV {
                if chance(5) { result += "\u{0}" }
                return result
            }
            // CSV keeps text only when it does not read as a number and is not empty; a BOM
            // character first in the file would be taken for a byte order mark.
            if result.isEmpty || result.hasPrefix("\u{FEFF}") { continue }
            if case .text(let kept) = CellTyping.standard.cell(result), kept == result { return result }
        }
    }

    /// A number of 1–38 significant digits and scale 0–12, sometimes negative (`-0` included).
    mutating func number(forCSV: Bool) -> Cell {
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
            // CSV: integers of 16+ characters read back as text (the ID rule).
            if forCSV && value.scale == 0 && value.text.utf8.count >= CellTyping.standard.longDigitRunAsText { continue }
            if !forCSV && chance(20) { return .number(value, raw: value.groupedText + (chance(50) ? "" : " ")) }
            return .number(value)
        }
    }

    private mutating func columnName(forCSV: Bool) -> String {
        while true {
            let name = text(forCSV: forCSV)
            if forCSV && (name.isEmpty || CellTyping.isIdentifierColumn(name)) { continue }
            return name
        }
    }

    /// A document of one table (CSV) or 0–3 tables (JSON) with random heads, rows and cells.
    mutating func document(forCSV: Bool) -> Document {
        var document = Document(source: SourceInfo(name: forCSV ? "t" : text(forCSV: false), format: pick(["csv", "text", "xlsx"])))
        for _ in 0..<(forCSV ? 1 : below(4)) {
            document.tables.append(table(forCSV: forCSV))
        }
        if !forCSV {
            for _ in 0..<below(3) {
                document.diagnostics.append(Diagnostic(pick([.warning, .note, .error]), line: chance(50) ? below(10_000) : nil,
                                                       place: chance(30) ? text(forCSV: false) : nil, text(forCSV: false)))
            }
        }
        return document
    }

    private mutating func table(forCSV: Bool) -> Table {
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
                    cells.append(number(forCSV: forCSV))
                } else {
                    cells.append(.text(text(forCSV: forCSV)))
                }
            }
            let kind: RowKind = forCSV ? .data : pick(RowKind.allCases)
            rows.append(Row(kind: kind, line: forCSV ? nil : (chance(80) ? line : nil), cells: cells))
            line += 1 + below(3)
        }
        var columns: [Column] = []
        for column in 0..<width {
            let path = forCSV ? [columnName(forCSV: true)] : (0..<(1 + below(3))).map { _ in text(forCSV: false) }
            let values = rows.map { $0.cells[column] }
            let type: ColumnType = values.contains { $0.text != nil } ? .text : (values.contains { $0.number != nil } ? .number : .empty)
            var made = Column(path: path, type: type)
            if !forCSV && chance(10) { made.name = text(forCSV: false) }
            columns.append(made)
        }
        var head = TableHead(id: forCSV ? "t" : text(forCSV: false), columns: columns)
        head.header = [columns.enumerated().map { HeaderCell(text: $0.element.name, column: $0.offset) }]
        if !forCSV {
            head.title = text(forCSV: false)
            head.unit = chance(50) ? pick(["万元", "元", "USD thousand", text(forCSV: false)]) : nil
            head.notes = (0..<below(3)).map { _ in text(forCSV: false) }
            head.line = chance(50) ? below(100) : nil
            if chance(40) {
                head.header.insert([HeaderCell(text: text(forCSV: false), column: 0, columnSpan: width, rowSpan: 1)], at: 0)
            }
        }
        var table = Table(head: head, rows: rows)
        if !forCSV {
            table.repairs = (0..<below(3)).map { _ in Repair(line: below(500), action: text(forCSV: false)) }
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
