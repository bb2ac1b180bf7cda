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
    private var pending: [UInt8] = []

    /// `{"table": …, "title": …, "unit": …, "row": ` for the current table.
    private var tablePrefix: [UInt8] = []
    /// `, "column": [...]` for each column of the current table.
    private var columnParts: [[UInt8]] = []
    private var labelColumnCount = 0
    private var rowNumber = 0
    /// Scratch for the part of a line that is the same for every fact of a row.
    private var rowPart: [UInt8] = []

    private static let blockSize = 1 << 16

    public init(output: ByteSink, options: JSONWriteOptions = .init()) {
        self.writer = ByteWriter(output)
        self.options = options
        pending.reserveCapacity(Self.blockSize + 4096)
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
        tablePrefix.removeAll(keepingCapacity: true)
        JSONBytes.appendLiteral("{\"table\": ", to: &tablePrefix)
        JSONBytes.appendString(head.id, to: &tablePrefix)
        JSONBytes.appendLiteral(", \"title\": ", to: &tablePrefix)
        JSONBytes.appendString(head.title, to: &tablePrefix)
        JSONBytes.appendLiteral(", \"unit\": ", to: &tablePrefix)
        JSONBytes.appendString(head.unit, to: &tablePrefix)
        JSONBytes.appendLiteral(", \"row\": ", to: &tablePrefix)
        columnParts = head.columns.map { column in Self.columnPart(column.path) }
    }

    private static func columnPart(_ path: [String]) -> [UInt8] {
        var part: [UInt8] = []
        JSONBytes.appendLiteral(", \"column\": [", to: &part)
        for (level, label) in path.enumerated() {
            if level > 0 { JSONBytes.appendLiteral(", ", to: &part) }
            JSONBytes.appendString(label, to: &part)
        }
        JSONBytes.appendLiteral("]", to: &part)
        return part
    }

    public func write(_ row: Row) throws {
        rowNumber += 1
        rowPart.removeAll(keepingCapacity: true)
        JSONBytes.appendInteger(rowNumber, to: &rowPart)
        JSONBytes.appendLiteral(", \"line\": ", to: &rowPart)
        JSONBytes.appendInteger(row.line, to: &rowPart)
        switch row.kind {
        case .data: JSONBytes.appendLiteral(", \"kind\": \"data\", \"labels\": [", to: &rowPart)
        case .subtotal: JSONBytes.appendLiteral(", \"kind\": \"subtotal\", \"labels\": [", to: &rowPart)
        case .total: JSONBytes.appendLiteral(", \"kind\": \"total\", \"labels\": [", to: &rowPart)
        }
        for index in 0..<labelColumnCount {
            if index > 0 { JSONBytes.appendLiteral(", ", to: &rowPart) }
            switch index < row.cells.count ? row.cells[index] : .empty {
            case .empty: JSONBytes.appendNull(to: &rowPart)
            case .text(let text): JSONBytes.appendString(text, to: &rowPart)
            case .number(let value, _): JSONBytes.appendNumber(value, asString: true, to: &rowPart)
            }
        }
        JSONBytes.appendLiteral("]", to: &rowPart)

        let numbersAsStrings = options.numbersAsStrings
        for index in labelColumnCount..<max(labelColumnCount, row.cells.count) {
            switch row.cells[index] {
            case .empty:
                continue
            case .number(let value, _):
                appendFactStart(column: index)
                JSONBytes.appendLiteral(", \"value\": ", to: &pending)
                JSONBytes.appendNumber(value, asString: numbersAsStrings, to: &pending)
                JSONBytes.appendLiteral(", \"text\": null}\n", to: &pending)
            case .text(let text):
                appendFactStart(column: index)
                JSONBytes.appendLiteral(", \"value\": null, \"text\": ", to: &pending)
                JSONBytes.appendString(text, to: &pending)
                JSONBytes.appendLiteral("}\n", to: &pending)
            }
        }
        if pending.count >= Self.blockSize { try handOver() }
    }

    /// The keys up to `column` of a fact of the current row.
    private func appendFactStart(column index: Int) {
        pending.append(contentsOf: tablePrefix)
        pending.append(contentsOf: rowPart)
        if index < columnParts.count {
            pending.append(contentsOf: columnParts[index])
        } else {
            JSONBytes.appendLiteral(", \"column\": []", to: &pending)
        }
    }

    public func endTable(repairs: [Repair]) throws {}

    public func end(diagnostics: [Diagnostic]) throws {
        try handOver()
        try writer.flush()
    }

    private func handOver() throws {
        guard !pending.isEmpty else { return }
        try writer.append(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }
}
