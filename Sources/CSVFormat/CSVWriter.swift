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

    public func begin(source: SourceInfo) throws {}

    public func beginTable(_ head: TableHead) throws {
        guard !hasTable else { throw FormatError("CSV holds one table; write one file per table") }
        let delimiter = options.delimiter
        guard delimiter != Self.quote, delimiter != 0x0A, delimiter != 0x0D else {
            throw FormatError("a CSV delimiter cannot be a quote or a line break")
        }
        hasTable = true
        columnCount = head.columns.count
        if options.bom { try writer.append("\u{FEFF}") }
        guard columnCount > 0 else { return }
        try writeRecord(head.columns.map { Cell.text($0.name) })
    }

    public func write(_ row: Row) throws {
        guard hasTable else { throw FormatError("a row written before its table") }
        if row.cells.count == 0 && columnCount == 0 { return }
        try writeRecord(row.cells)
    }

    public func endTable(repairs: [Repair]) throws {}

    public func end(diagnostics: [Diagnostic]) throws {
        try writer.flush()
        try encoder?.finish()
    }

    private func writeRecord(_ cells: [Cell]) throws {
        if cells.count <= 1 && columnCount <= 1 && (cells.first?.isEmpty ?? true) {
            try writer.append(contentsOf: [Self.quote, Self.quote])
        } else {
            for (index, cell) in cells.enumerated() {
                if index > 0 { try writer.append(options.delimiter) }
                switch cell {
                case .empty:
                    break
                case .text(let text):
                    try writeField(text)
                case .number(let value, let raw):
                    try writeField(options.keepNumberFormat ? raw ?? value.text : value.text)
                }
            }
            if cells.count < columnCount {
                try writer.append(contentsOf: repeatElement(options.delimiter, count: columnCount - max(cells.count, 1)))
            }
        }
        try writer.append(contentsOf: lineEnding)
    }

    private func writeField(_ text: String) throws {
        if let done = try text.utf8.withContiguousStorageIfAvailable({ try writeField(bytes: $0) }) { return done }
        try Array(text.utf8).withUnsafeBufferPointer { try writeField(bytes: $0) }
    }

    private func writeField(bytes: UnsafeBufferPointer<UInt8>) throws {
        let delimiter = options.delimiter
        var needsQuotes = false
        for byte in bytes where byte == delimiter || byte == Self.quote || byte == 0x0A || byte == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else {
            try writer.append(contentsOf: bytes)
            return
        }
        try writer.append(Self.quote)
        var start = 0
        for index in 0..<bytes.count where bytes[index] == Self.quote {
            // Up to and with the quote, then the quote once more.
            try writer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...index]))
            try writer.append(Self.quote)
            start = index + 1
        }
        try writer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        try writer.append(Self.quote)
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
