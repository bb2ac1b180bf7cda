import TableModel

/// Writes one table as CSV (RFC 4180) or TSV.
///
/// The header is one record of the column names (flattened paths, `预算数/基本支出`), then one
/// record per row, each ended by `options.lineEnding` (CRLF by default, as RFC 4180 says; the
/// last record too). A field is quoted only when it holds the delimiter, a quote or a line
/// break; quotes inside are doubled; leading and trailing spaces are written as they are. A row
/// of one empty field is written `""` so that it is not a blank line (which readers skip).
/// Numbers are written as their canonical exact text (`9885.752630`), or with
/// `keepNumberFormat` as read (`9,885.752630`). Short rows are padded to the column count;
/// cells beyond it are written, never dropped.
///
/// CSV holds one table: a second `beginTable` throws (write one file per table).
public final class CSVWriter: TableSink {
    private let options: CSVWriteOptions
    private let writer: ByteWriter
    private let encoder: EncodingByteSink?
    private let lineEnding: [UInt8]
    private var hasTable = false
    private var columnCount = 0
    /// The record being built, kept for its capacity.
    private var scratch: [UInt8] = []

    private static let quote: UInt8 = 0x22

    /// A writer of `output`. Nothing is written before `beginTable`.
    public init(output: ByteSink, options: CSVWriteOptions = CSVWriteOptions()) {
        self.options = options
        lineEnding = options.lineEnding.bytes
        if options.encoding == .utf8 {
            encoder = nil
            writer = ByteWriter(output)
        } else {
            let encoder = EncodingByteSink(output, encoding: options.encoding)
            self.encoder = encoder
            writer = ByteWriter(encoder)
        }
    }

    /// Nothing to write: CSV has no document header.
    public func begin(source: SourceInfo) throws {}

    /// Writes the BOM (when asked) and the header record; throws for a second table.
    public func beginTable(_ head: TableHead) throws {
        guard !hasTable else { throw FormatError("CSV holds one table; write one file per table") }
        let delimiter = options.delimiter
        guard delimiter != Self.quote, delimiter != 0x0A, delimiter != 0x0D else {
            throw FormatError("a CSV delimiter cannot be a quote or a line break")
        }
        hasTable = true
        columnCount = head.columns.count
        if options.bom { try writer.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
        guard columnCount > 0 else { return }
        try writeRecord(head.columns.map { Cell.text($0.name) })
    }

    /// Writes one record.
    public func write(_ row: Row) throws {
        guard hasTable else { throw FormatError("a row written before its table") }
        if row.cells.count == 0 && columnCount == 0 { return }
        try writeRecord(row.cells)
    }

    /// Nothing to write: repairs have no place in CSV.
    public func endTable(repairs: [Repair]) throws {}

    /// Flushes everything to the output.
    public func end(diagnostics: [Diagnostic]) throws {
        try writer.flush()
        try encoder?.finish()
    }

    /// Builds the record in `scratch`, then hands it to the writer in one call.
    private func writeRecord(_ cells: [Cell]) throws {
        var record = scratch
        scratch = []
        defer {
            record.removeAll(keepingCapacity: true)
            scratch = record
        }
        let delimiter = options.delimiter
        if cells.count <= 1 && columnCount <= 1 && (cells.first?.isEmpty ?? true) {
            record.append(Self.quote)
            record.append(Self.quote)
        } else {
            for (index, cell) in cells.enumerated() {
                if index > 0 { record.append(delimiter) }
                switch cell {
                case .empty:
                    break
                case .text(let text):
                    Self.appendField(text, delimiter: delimiter, to: &record)
                case .number(let value, let raw):
                    Self.appendField(options.keepNumberFormat ? raw ?? value.text : value.text, delimiter: delimiter, to: &record)
                }
            }
            if cells.count < columnCount {
                record.append(contentsOf: repeatElement(delimiter, count: columnCount - max(cells.count, 1)))
            }
        }
        record.append(contentsOf: lineEnding)
        try record.withUnsafeBufferPointer { try writer.append(contentsOf: $0) }
    }

    private static func appendField(_ text: String, delimiter: UInt8, to record: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendField(bytes: $0, delimiter: delimiter, to: &record) }
    }

    /// Appends a field, quoted when it holds the delimiter, a quote or a line break.
    private static func appendField(bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8, to record: inout [UInt8]) {
        guard ByteSearch.contains(bytes, delimiter, quote, 0x0A, 0x0D) else {
            record.append(contentsOf: bytes)
            return
        }
        record.append(quote)
        for byte in bytes {
            if byte == quote { record.append(quote) }
            record.append(byte)
        }
        record.append(quote)
    }
}

/// Converts UTF-8 written to it into another encoding before passing it on; `finish()` checks
/// that no sequence was left cut at the end.
final class EncodingByteSink: ByteSink {
    private let output: ByteSink
    private let encoding: TextEncoding
    private var transcoder: Transcoder?

    init(_ output: ByteSink, encoding: TextEncoding) {
        self.output = output
        self.encoding = encoding
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try pass(try converter().convert(Array(bytes), isFinal: false))
    }

    func finish() throws {
        try pass(try converter().convert([], isFinal: true))
    }

    private func converter() throws -> Transcoder {
        if let transcoder { return transcoder }
        let created = try Transcoder(from: .utf8, to: encoding)
        transcoder = created
        return created
    }

    private func pass(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { try output.write($0) }
    }
}
