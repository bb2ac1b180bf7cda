import TableModel

/// Writes tidy facts for warehouses: one JSON object per line for every non-empty cell outside
/// the label columns, streaming.
///
/// Every line has the same keys in the same order, so DuckDB's `read_json` and BigQuery's schema
/// detection see one schema:
///
/// ```json
/// {"table": "预算03表", "title": "支出总表", "unit": "万元", "row": 1, "line": 9, "kind": "data", "labels": ["2010350-事业运行", "50501-工资福利支出", "30101-基本工资"], "column": ["合计"], "value": 153.717600, "text": null}
/// ```
///
/// - `table`, `title`, `unit`: the table's id, title and unit (`null` when none).
/// - `row`: the 1-based position of the row in the table body (ties the facts of a row together
///   when there is no source line); `line`: the source line (`null` when unknown).
/// - `kind`: `data`, `subtotal` or `total`. Every row is written, totals included, so that a
///   warehouse can check or filter them (`WHERE kind = 'data'`).
/// - `labels`: the row's label cells, one entry per label column (`null` for an empty cell, a
///   number's canonical digits as text). The label columns are the leading columns before the
///   first column whose type is `number`; when no column is a number column, the first column.
///   Every fact of a table has the same number of labels.
/// - `column`: the column's header path (`["预算数", "基本支出", "人员经费"]`); `[]` for a cell
///   beyond the table's columns.
/// - `value`: a number cell's exact literal (`9885.752630`; a string with
///   `JSONWriteOptions.numbersAsStrings`), else `null`. `text`: a text cell's text, else `null`.
///   Numbers and text have keys of their own so that each key keeps one JSON type.
public final class JSONLinesWriter: TableSink {
    private let writer: ByteWriter
    private let options: JSONWriteOptions
    private var buffer: RawByteBuffer

    /// `{"table": …, "title": …, "unit": …, "row": ` for the current table.
    private var tablePrefix: [UInt8] = []
    /// `, "column": [...]` for each column of the current table.
    private var columnParts: [[UInt8]] = []
    private var labelColumnCount = 0
    private var rowNumber = 0
    /// The part of a line that is the same for every fact of a row, from the row number to the labels.
    private var rowPart: RawByteBuffer

    private static let blockSize = 1 << 16

    public init(output: ByteSink, options: JSONWriteOptions = .init()) {
        self.writer = ByteWriter(output)
        self.options = options
        buffer = RawByteBuffer(capacity: Self.blockSize + 4096)
        rowPart = RawByteBuffer(capacity: 1024)
    }

    deinit {
        buffer.deallocate()
        rowPart.deallocate()
    }

    /// How many leading columns label the rows of a table with these columns.
    public static func labelColumnCount(_ columns: [Column]) -> Int {
        if let firstNumber = columns.firstIndex(where: { $0.type == .number }) { return firstNumber }
        return min(1, columns.count)
    }

    public func begin(source: SourceInfo) throws {}

    public func beginTable(_ head: TableHead) throws {
        rowNumber = 0
        labelColumnCount = Self.labelColumnCount(head.columns)
        var prefix = RawByteBuffer(capacity: 256)
        defer { prefix.deallocate() }
        prefix.append("{\"table\": ")
        prefix.appendString(head.id)
        prefix.append(", \"title\": ")
        prefix.appendString(head.title)
        prefix.append(", \"unit\": ")
        prefix.appendString(head.unit)
        prefix.append(", \"row\": ")
        tablePrefix = Array(prefix.bytes)
        columnParts = head.columns.map { column in Self.columnPart(column.path) }
    }

    private static func columnPart(_ path: [String]) -> [UInt8] {
        var part = RawByteBuffer(capacity: 256)
        defer { part.deallocate() }
        part.append(", \"column\": [")
        for (level, label) in path.enumerated() {
            if level > 0 { part.append(", ") }
            part.appendString(label)
        }
        part.append("]")
        return Array(part.bytes)
    }

    public func write(_ row: Row) throws {
        rowNumber += 1
        var rowBytes = rowPart
        defer { rowPart = rowBytes }
        rowBytes.removeAll()
        rowBytes.appendInteger(rowNumber)
        rowBytes.append(", \"line\": ")
        rowBytes.appendInteger(row.line)
        switch row.kind {
        case .data: rowBytes.append(", \"kind\": \"data\", \"labels\": [")
        case .subtotal: rowBytes.append(", \"kind\": \"subtotal\", \"labels\": [")
        case .total: rowBytes.append(", \"kind\": \"total\", \"labels\": [")
        }
        for index in 0..<labelColumnCount {
            if index > 0 { rowBytes.append(", ") }
            switch index < row.cells.count ? row.cells[index] : .empty {
            case .empty: rowBytes.appendNull()
            case .text(let text): rowBytes.appendString(text)
            case .number(let value, _): rowBytes.appendNumber(value, asString: true)
            }
        }
        rowBytes.append("]")

        var output = buffer
        defer { buffer = output }
        let numbersAsStrings = options.numbersAsStrings
        for index in labelColumnCount..<max(labelColumnCount, row.cells.count) {
            switch row.cells[index] {
            case .empty:
                continue
            case .number(let value, _):
                appendFactStart(column: index, rowBytes: rowBytes.bytes, to: &output)
                output.append(", \"value\": ")
                output.appendNumber(value, asString: numbersAsStrings)
                output.append(", \"text\": null}\n")
            case .text(let text):
                appendFactStart(column: index, rowBytes: rowBytes.bytes, to: &output)
                output.append(", \"value\": null, \"text\": ")
                output.appendString(text)
                output.append("}\n")
            }
        }
        if output.count >= Self.blockSize { try handOver(&output) }
    }

    /// The keys up to `column` of a fact of the current row.
    @inline(__always)
    private func appendFactStart(column index: Int, rowBytes: UnsafeBufferPointer<UInt8>, to output: inout RawByteBuffer) {
        output.append(tablePrefix)
        output.append(rowBytes)
        if index < columnParts.count {
            output.append(columnParts[index])
        } else {
            output.append(", \"column\": []")
        }
    }

    public func endTable(repairs: [Repair]) throws {}

    public func end(diagnostics: [Diagnostic]) throws {
        try handOver(&buffer)
        try writer.flush()
    }

    private func handOver(_ output: inout RawByteBuffer) throws {
        guard output.count > 0 else { return }
        try writer.append(contentsOf: output.bytes)
        output.removeAll()
    }
}
