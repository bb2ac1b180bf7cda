import Foundation
import TableModel

/// Reads one table from CSV or TSV bytes as a stream of typed rows.
///
/// - Encoding: decided on the first block by `TextDecoding.detect`: UTF-8 with or without BOM,
///   UTF-16 LE/BE with BOM, GB18030 when the block is not valid UTF-8. Non-UTF-8 input is
///   converted block by block. When UTF-8 was detected, an invalid byte later on is an error
///   naming its line. A NUL byte in the first block marks binary input, which is rejected.
/// - Delimiter: `options.delimiter`, or sniffed on the first block among `,` tab `;` `|`: the
///   one that splits the most records into the same number (above one) of fields.
/// - Columns: the first record names them (`TableHead.id` is the file's base name without
///   extension, `stdin` for `-`; title empty; one header row). Before handing out the first row
///   the reader reads ahead up to `options.lookaheadRows` rows (and at most
///   `options.lookaheadBytes` bytes of fields) to type the columns (number / text / empty) and to
///   find rows longer than the header; after that it streams, holding one record at a time
///   (with `options.readsInBackground`, a few batches of rows made ahead on a second thread). A
///   cell that later contradicts its column's type keeps its own type, and the column gets one
///   warning.
/// - Cells: typed by `options.typing` (numbers exact, with their raw text where it differs);
///   a column whose name `CellTyping.isIdentifierColumn` accepts (`科目编码`, `zip`, `ID`) keeps
///   its values as text. `Row.line` is the line where the record starts. Lines with no byte at
///   all are skipped.
/// - Ragged rows, never silently: a short row is padded with empty cells; a longer row in the
///   look-ahead widens the table with columns named `columnN` (N the 1-based position); extra
///   fields that are all empty are dropped. Each such row gets a warning with its line (the
///   first 100, then a count). A row with extra non-empty fields after the look-ahead, when the
///   columns are already handed out, is an error naming its line.
/// - Errors are `FormatError`s with the line: an unterminated quote (the line where it opened),
///   invalid bytes, a field, record or field count beyond `options.limits`. They carry no file
///   name; the caller adds it.
public final class CSVReader: TableSource {
    /// The file name as given, format `csv`.
    public let source: SourceInfo
    /// The encoding the input was read in.
    public let encoding: TextEncoding
    /// The delimiter used, given or sniffed.
    public let delimiter: UInt8
    /// Warnings about ragged rows and cells that contradict their column's type.
    public private(set) var diagnostics: [Diagnostic] = []
    /// CSV reading repairs nothing; ragged rows are reported in `diagnostics`.
    public var repairs: [Repair] { [] }

    private let head: TableHead
    private var headHandedOut = false
    private var rowsEnded = false
    /// Rows read ahead to type the columns, served first.
    private var lookahead: [PendingRow]
    private var lookaheadIndex = 0
    private let readsInBackground: Bool
    /// Makes the rows after the look-ahead; handed to `pump` when reading in the background.
    private var producer: RowProducer?
    private var pump: RowPump?
    /// The batch from `pump` being served.
    private var batch = RowPump.Batch(rows: [], diagnostics: [], error: nil, isLast: false)
    private var batchIndex = 0

    /// A typed record not yet fitted to the columns.
    private struct PendingRow {
        var cells: [Cell]
        var line: Int
    }

    /// Opens a CSV over `source`: reads the first block, the header and the look-ahead rows.
    /// - Parameters:
    ///   - source: the bytes.
    ///   - name: the file name as given (`data/budget.csv`, `-` for stdin); the table id is its
    ///     base name without extension (`budget`, `stdin`).
    ///   - options: delimiter, header, typing, limits, look-ahead and background reading.
    public init(source: ByteSource, name: String, options: CSVReadOptions = CSVReadOptions()) throws {
        self.source = SourceInfo(name: name, format: "csv")
        readsInBackground = options.readsInBackground && ProcessInfo.processInfo.activeProcessorCount > 1
        let records = try CSVRecordReader(source: source, options: options)
        encoding = records.encoding
        delimiter = records.delimiter

        var names: [String] = []
        var headerLine: Int?
        if options.hasHeader, try records.next() {
            headerLine = records.record.line
            let record = records.record
            for index in 0..<record.fieldCount {
                let field = record.field(index)
                // Typed as an identifier, a field is always text: the header name.
                guard let name = CellTyping.standard.cell(utf8: field, identifier: true) else {
                    throw RowProducer.invalidUTF8(in: field, fieldIndex: index, records: records)
                }
                names.append(name.plainText)
            }
        }
        let identifiers = names.map(CellTyping.isIdentifierColumn)

        var pending: [PendingRow] = []
        var pendingBytes = 0
        while pending.count < max(options.lookaheadRows, 1), pendingBytes < options.lookaheadBytes, try records.next() {
            pending.append(PendingRow(cells: try RowProducer.cells(of: records, identifiers: identifiers, typing: options.typing),
                                      line: records.record.line))
            pendingBytes += records.record.byteCount
        }
        lookahead = pending
        let expectedFieldCount = options.hasHeader ? names.count : (pending.first?.cells.count ?? 0)

        // Width: the header, widened by look-ahead rows whose extra fields hold something.
        var width = max(names.count, expectedFieldCount)
        for row in pending {
            if let last = row.cells.lastIndex(where: { !$0.isEmpty }) { width = max(width, last + 1) }
        }
        var types: [ColumnType] = []
        for column in 0..<width {
            var sawNumber = false
            var sawText = false
            for row in pending where column < row.cells.count {
                switch row.cells[column] {
                case .empty: break
                case .number: sawNumber = true
                case .text: sawText = true
                }
            }
            types.append(sawText ? .text : (sawNumber ? .number : .empty))
        }

        let columnNames = (0..<width).map { $0 < names.count ? names[$0] : "column\($0 + 1)" }
        head = TableHead(
            id: Self.tableID(forFileNamed: name), title: "",
            header: options.hasHeader ? [columnNames.enumerated().map { HeaderCell(text: $1, column: $0) }] : [],
            columns: zip(columnNames, types).map { Column(path: [$0], type: $1) },
            line: headerLine ?? pending.first?.line)
        producer = RowProducer(records: records, typing: options.typing, identifiers: identifiers,
                               columnNames: columnNames, columnTypes: types, expectedFieldCount: expectedFieldCount,
                               expectationSource: options.hasHeader ? "header" : "first row",
                               lookaheadRowCount: pending.count)
    }

    deinit { pump?.cancel() }

    /// `budget` for `data/budget.csv`, `stdin` for `-`.
    static func tableID(forFileNamed name: String) -> String {
        if name == "-" { return "stdin" }
        let base = name.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? name
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    /// The one table's head, then `nil`.
    public func nextTable() throws -> TableHead? {
        guard !headHandedOut else { return nil }
        headHandedOut = true
        return head
    }

    /// The next row, typed and fitted to the columns; `nil` at the end of the input.
    public func nextRow() throws -> Row? {
        guard headHandedOut, !rowsEnded else { return nil }
        do {
            if lookaheadIndex < lookahead.count, let producer {
                var cells = lookahead[lookaheadIndex].cells
                let line = lookahead[lookaheadIndex].line
                lookahead[lookaheadIndex].cells = []
                lookaheadIndex += 1
                if lookaheadIndex == lookahead.count {
                    lookahead = []
                    lookaheadIndex = 0
                }
                try producer.fit(&cells, line: line)
                diagnostics += producer.takeDiagnostics()
                return Row(kind: TableLabels.rowKind(cells), line: line, cells: cells)
            }
            let row = readsInBackground ? try nextPumpedRow() : try nextProducedRow()
            if row == nil { rowsEnded = true }
            return row
        } catch {
            rowsEnded = true
            throw error
        }
    }

    private func nextProducedRow() throws -> Row? {
        guard let producer else { return nil }
        defer { diagnostics += producer.takeDiagnostics() }
        return try producer.nextRow()
    }

    private func nextPumpedRow() throws -> Row? {
        while batchIndex == batch.rows.count {
            if batch.isLast {
                if let error = batch.error { throw error }
                return nil
            }
            if pump == nil, let producer {
                pump = RowPump(producer: producer)
                self.producer = nil
            }
            guard let pump else { return nil }
            batch = pump.next()
            batchIndex = 0
            diagnostics += batch.diagnostics
        }
        batchIndex += 1
        return batch.rows[batchIndex - 1]
    }
}

/// Makes the rows after the look-ahead from the records: typed, checked against the column
/// types, fitted to the columns, with a warning for each change. Used in line or on the
/// background thread of a `RowPump`, never both at once.
final class RowProducer {
    /// Ragged rows reported one by one before they are only counted.
    static let maximumRaggedRowWarnings = 100

    private let records: CSVRecordReader
    private let typing: CellTyping
    private let identifiers: [Bool]
    private let columnNames: [String]
    private let columnTypes: [ColumnType]
    /// The field count rows are measured against: the header's (the first row's without one).
    private let expectedFieldCount: Int
    /// `header` or `first row`, for messages.
    private let expectationSource: String
    private let lookaheadRowCount: Int
    private var contradictedColumns: Set<Int> = []
    private var raggedRows = 0
    private var ended = false
    /// Diagnostics made since `takeDiagnostics()` was last called.
    private var diagnostics: [Diagnostic] = []

    init(records: CSVRecordReader, typing: CellTyping, identifiers: [Bool], columnNames: [String],
         columnTypes: [ColumnType], expectedFieldCount: Int, expectationSource: String, lookaheadRowCount: Int) {
        self.records = records
        self.typing = typing
        self.identifiers = identifiers
        self.columnNames = columnNames
        self.columnTypes = columnTypes
        self.expectedFieldCount = expectedFieldCount
        self.expectationSource = expectationSource
        self.lookaheadRowCount = lookaheadRowCount
    }

    /// Bytes of the record read last (for batching by size).
    var lastRecordBytes: Int { records.record.byteCount }

    func takeDiagnostics() -> [Diagnostic] {
        defer { diagnostics = [] }
        return diagnostics
    }

    /// The next row after the look-ahead, or `nil` at the end of the input.
    func nextRow() throws -> Row? {
        guard !ended else { return nil }
        guard try records.next() else {
            ended = true
            if raggedRows > Self.maximumRaggedRowWarnings {
                diagnostics.append(Diagnostic(.warning, "\(raggedRows - Self.maximumRaggedRowWarnings) more ragged rows were padded or trimmed as above"))
            }
            return nil
        }
        var cells = try Self.cells(of: records, identifiers: identifiers, typing: typing)
        let line = records.record.line
        noteContradictions(cells, line: line)
        try fit(&cells, line: line)
        return Row(kind: TableLabels.rowKind(cells), line: line, cells: cells)
    }

    /// The typed cells of the current record.
    static func cells(of records: CSVRecordReader, identifiers: [Bool], typing: CellTyping) throws -> [Cell] {
        let record = records.record
        var cells: [Cell] = []
        cells.reserveCapacity(max(identifiers.count, record.fieldCount))
        for index in 0..<record.fieldCount {
            let field = record.field(index)
            let identifier = index < identifiers.count && identifiers[index]
            guard let cell = typing.cell(utf8: field, identifier: identifier) else {
                throw invalidUTF8(in: field, fieldIndex: index, records: records)
            }
            cells.append(cell)
        }
        return cells
    }

    static func invalidUTF8(in field: UnsafeBufferPointer<UInt8>, fieldIndex: Int, records: CSVRecordReader) -> FormatError {
        let offset = TextDecoding.firstInvalidUTF8Offset(field) ?? 0
        return FormatError(line: records.line(ofField: fieldIndex, offset: offset),
                           "invalid UTF-8 (the start of the input read as UTF-8; convert the file or check its encoding)")
    }

    /// Fits a row's cells to the columns: a short row padded, empty extra fields dropped, each
    /// change a warning.
    func fit(_ cells: inout [Cell], line: Int) throws {
        let width = columnNames.count
        let fieldCount = cells.count
        if fieldCount != expectedFieldCount { noteRaggedRow(fieldCount: fieldCount, line: line, width: width) }
        if fieldCount < width {
            cells.append(contentsOf: repeatElement(.empty, count: width - fieldCount))
        } else if fieldCount > width {
            if cells[width...].contains(where: { !$0.isEmpty }) {
                throw FormatError(line: line, "the row has \(fieldCount) fields, but the table's \(width) columns were fixed from the first \(lookaheadRowCount) rows; a later row cannot add columns (read with a longer look-ahead)")
            }
            cells.removeSubrange(width...)
        }
    }

    private func noteRaggedRow(fieldCount: Int, line: Int, width: Int) {
        raggedRows += 1
        guard raggedRows <= Self.maximumRaggedRowWarnings else { return }
        let expected = expectedFieldCount
        var message = "the row has \(fieldCount) field\(fieldCount == 1 ? "" : "s") where the \(expectationSource) has \(expected)"
        let kept = min(fieldCount, width) - expected
        if kept == 1 { message += "; the extra field is kept in the added column \(columnNames[expected])" }
        if kept > 1 { message += "; the extra fields are kept in the added columns \(columnNames[expected])–\(columnNames[expected + kept - 1])" }
        let dropped = fieldCount - width
        if dropped > 0 { message += "; \(dropped) empty extra field\(dropped == 1 ? " was" : "s were") dropped" }
        if fieldCount < width { message += "; padded with empty cells" }
        diagnostics.append(Diagnostic(.warning, line: line, message))
    }

    /// Warns once per column when a streamed cell contradicts the type the look-ahead gave it.
    private func noteContradictions(_ cells: [Cell], line: Int) {
        for (index, cell) in cells.enumerated() where index < columnTypes.count {
            let contradicts: Bool
            switch (columnTypes[index], cell) {
            case (.number, .text), (.empty, .text), (.empty, .number): contradicts = true
            default: contradicts = false
            }
            guard contradicts, !contradictedColumns.contains(index) else { continue }
            contradictedColumns.insert(index)
            let found = cell.number == nil ? "text" : "a number"
            diagnostics.append(Diagnostic(.warning, line: line, "column \(columnNames[index]) was typed \(columnTypes[index].rawValue) from the first \(lookaheadRowCount) rows, but this row holds \(found) there"))
        }
    }
}
