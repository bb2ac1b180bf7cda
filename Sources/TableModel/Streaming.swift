// The reader/writer seams. A reader is a `TableSource`: it hands out one table head, then that
// table's rows one at a time, then the next head. A writer is a `TableSink`: it is told of each
// head, row and table end in order. Between them nothing holds more than one row, so a
// million-row CSV flows to any writer in bounded memory; a small document read whole is served
// through `DocumentSource`, and `DocumentBuilder` collects a stream back into a `Document`.

/// A reader's output, pulled one table and one row at a time.
public protocol TableSource: AnyObject {
    /// Where the tables come from.
    var source: SourceInfo { get }
    /// Moves to the next table and returns its head; `nil` when there are no more tables.
    /// Rows of the previous table that were not pulled are skipped.
    func nextTable() throws -> TableHead?
    /// The next row of the current table; `nil` at its end.
    func nextRow() throws -> Row?
    /// Repairs made in the current table; complete once `nextRow()` has returned `nil`.
    var repairs: [Repair] { get }
    /// Diagnostics so far; complete once `nextTable()` has returned `nil`.
    var diagnostics: [Diagnostic] { get }
}

/// A writer's input, pushed in document order.
public protocol TableSink: AnyObject {
    func begin(source: SourceInfo) throws
    func beginTable(_ head: TableHead) throws
    func write(_ row: Row) throws
    func endTable(repairs: [Repair]) throws
    /// Ends the document; a writer finishes and flushes its output here.
    func end(diagnostics: [Diagnostic]) throws
}

/// Serves a document held in memory as a stream.
public final class DocumentSource: TableSource {
    /// The document served.
    public let document: Document
    private var tableIndex = -1
    private var rowIndex = 0

    public init(_ document: Document) { self.document = document }

    public var source: SourceInfo { document.source }

    public func nextTable() throws -> TableHead? {
        tableIndex += 1
        rowIndex = 0
        guard tableIndex < document.tables.count else { return nil }
        return document.tables[tableIndex].head
    }

    public func nextRow() throws -> Row? {
        guard tableIndex >= 0, tableIndex < document.tables.count else { return nil }
        let rows = document.tables[tableIndex].rows
        guard rowIndex < rows.count else { return nil }
        rowIndex += 1
        return rows[rowIndex - 1]
    }

    public var repairs: [Repair] {
        guard tableIndex >= 0, tableIndex < document.tables.count else { return [] }
        return document.tables[tableIndex].repairs
    }

    public var diagnostics: [Diagnostic] { document.diagnostics }
}

/// Collects a stream into a `Document` (for `check`, `list` and tests).
public final class DocumentBuilder: TableSink {
    /// The document built so far.
    public private(set) var document = Document(source: SourceInfo(name: "", format: ""))

    public init() {}

    public func begin(source: SourceInfo) throws { document.source = source }
    public func beginTable(_ head: TableHead) throws { document.tables.append(Table(head: head)) }
    public func write(_ row: Row) throws { document.tables[document.tables.count - 1].rows.append(row) }
    public func endTable(repairs: [Repair]) throws { document.tables[document.tables.count - 1].repairs = repairs }
    public func end(diagnostics: [Diagnostic]) throws { document.diagnostics = diagnostics }
}

extension TableSource {
    /// Pushes every table (or those `include` accepts) and row into `sink`, calling `progress`
    /// after each row with the count so far. Returns the number of tables passed on.
    @discardableResult
    public func transfer(to sink: TableSink, include: (TableHead) -> Bool = { _ in true },
                         progress: ((Int) -> Void)? = nil) throws -> Int {
        try sink.begin(source: source)
        var tables = 0
        var rows = 0
        while let head = try nextTable() {
            guard include(head) else { continue }
            tables += 1
            try sink.beginTable(head)
            while let row = try nextRow() {
                try sink.write(row)
                rows += 1
                progress?(rows)
            }
            try sink.endTable(repairs: repairs)
        }
        try sink.end(diagnostics: diagnostics)
        return tables
    }

    /// Reads everything into a `Document`.
    public func readDocument() throws -> Document {
        let builder = DocumentBuilder()
        try transfer(to: builder)
        return builder.document
    }
}
