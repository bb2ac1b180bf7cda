import TableModel

/// Writes a document as tabconv's JSON, streaming: the head of a table when it begins, one row
/// per line as rows come, the repairs when it ends, the diagnostics at the end.
///
/// The shape (`../shared/DESIGN.md` § Output formats) with everything the model holds, so that
/// `TabconvJSONReader` gives back an equal `Document`:
///
/// ```json
/// {"tabconv": 1,
///  "source": {"name": "budget-2026.txt", "format": "text"},
///  "tables": [
///   {"id": "预算01表", "title": "收支总表", "unit": "万元", "notes": [], "line": 3,
///    "header": [
///     [{"text": "收入", "col": 0, "colspan": 2, "rowspan": 1}, …]],
///    "columns": [
///     {"name": "收入/项目", "path": ["收入", "项目"], "type": "text"}, …],
///    "rows": [
///     {"kind": "data", "line": 9, "cells": ["一、一般公共预算拨款收入", 9885.752630, null, 0.5], "raw": [null, "9,885.752630", null, null]}, …],
///    "repairs": [
///     {"line": 242, "action": "…"}]}],
///  "diagnostics": [
///   {"severity": "warning", "line": 242, "message": "…"}]}
/// ```
///
/// - Numbers are JSON number literals with their exact digits and scale (`9885.752630`), or
///   strings with `JSONWriteOptions.numbersAsStrings`; empty cells are `null`.
/// - `unit` and the `line`s are `null` when the model has none (`unit` `""` stays `""`).
/// - `raw`: a number cell's text as read, when it differs from the canonical digits
///   (`9,885.752630`, `(1.50)`), is carried in a `raw` array parallel to `cells` (`null` where a
///   cell has none). The key appears only on rows where some cell has raw text, so rows of plain
///   numbers stay short; it lets a JSON → CSV conversion with `--keep-number-format` print what a
///   direct conversion prints.
/// - A diagnostic has `place` (after `line`) only when it has one (`Sheet1!B7`).
public final class JSONWriter: TableSink {
    private let writer: ByteWriter
    private let options: JSONWriteOptions
    /// Bytes made but not yet handed to the writer (handed over in blocks).
    private var pending: [UInt8] = []
    private var tableCount = 0
    private var rowCount = 0

    private static let blockSize = 1 << 16

    public init(output: ByteSink, options: JSONWriteOptions = .init()) {
        self.writer = ByteWriter(output)
        self.options = options
        pending.reserveCapacity(Self.blockSize + 4096)
    }

    public func begin(source: SourceInfo) throws {
        tableCount = 0
        JSONBytes.appendLiteral("{\"tabconv\": 1,\n \"source\": {\"name\": ", to: &pending)
        JSONBytes.appendString(source.name, to: &pending)
        JSONBytes.appendLiteral(", \"format\": ", to: &pending)
        JSONBytes.appendString(source.format, to: &pending)
        JSONBytes.appendLiteral("},\n \"tables\": [", to: &pending)
    }

    public func beginTable(_ head: TableHead) throws {
        JSONBytes.appendLiteral(tableCount == 0 ? "\n  {\"id\": " : ",\n  {\"id\": ", to: &pending)
        tableCount += 1
        rowCount = 0
        JSONBytes.appendString(head.id, to: &pending)
        JSONBytes.appendLiteral(", \"title\": ", to: &pending)
        JSONBytes.appendString(head.title, to: &pending)
        JSONBytes.appendLiteral(", \"unit\": ", to: &pending)
        JSONBytes.appendString(head.unit, to: &pending)
        JSONBytes.appendLiteral(", \"notes\": [", to: &pending)
        for (index, note) in head.notes.enumerated() {
            if index > 0 { JSONBytes.appendLiteral(", ", to: &pending) }
            JSONBytes.appendString(note, to: &pending)
        }
        JSONBytes.appendLiteral("], \"line\": ", to: &pending)
        JSONBytes.appendInteger(head.line, to: &pending)

        JSONBytes.appendLiteral(",\n   \"header\": [", to: &pending)
        for (rowIndex, headerRow) in head.header.enumerated() {
            JSONBytes.appendLiteral(rowIndex == 0 ? "\n    [" : ",\n    [", to: &pending)
            for (index, cell) in headerRow.enumerated() {
                JSONBytes.appendLiteral(index == 0 ? "{\"text\": " : ", {\"text\": ", to: &pending)
                JSONBytes.appendString(cell.text, to: &pending)
                JSONBytes.appendLiteral(", \"col\": ", to: &pending)
                JSONBytes.appendInteger(cell.column, to: &pending)
                JSONBytes.appendLiteral(", \"colspan\": ", to: &pending)
                JSONBytes.appendInteger(cell.columnSpan, to: &pending)
                JSONBytes.appendLiteral(", \"rowspan\": ", to: &pending)
                JSONBytes.appendInteger(cell.rowSpan, to: &pending)
                JSONBytes.appendLiteral("}", to: &pending)
            }
            JSONBytes.appendLiteral("]", to: &pending)
        }
        JSONBytes.appendLiteral("],\n   \"columns\": [", to: &pending)
        for (index, column) in head.columns.enumerated() {
            JSONBytes.appendLiteral(index == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ", to: &pending)
            JSONBytes.appendString(column.name, to: &pending)
            JSONBytes.appendLiteral(", \"path\": [", to: &pending)
            for (level, label) in column.path.enumerated() {
                if level > 0 { JSONBytes.appendLiteral(", ", to: &pending) }
                JSONBytes.appendString(label, to: &pending)
            }
            JSONBytes.appendLiteral("], \"type\": ", to: &pending)
            JSONBytes.appendString(column.type.rawValue, to: &pending)
            JSONBytes.appendLiteral("}", to: &pending)
        }
        JSONBytes.appendLiteral("],\n   \"rows\": [", to: &pending)
        try handOverIfFull()
    }

    public func write(_ row: Row) throws {
        JSONBytes.appendLiteral(rowCount == 0 ? "\n    {\"kind\": \"" : ",\n    {\"kind\": \"", to: &pending)
        rowCount += 1
        switch row.kind {
        case .data: JSONBytes.appendLiteral("data", to: &pending)
        case .subtotal: JSONBytes.appendLiteral("subtotal", to: &pending)
        case .total: JSONBytes.appendLiteral("total", to: &pending)
        }
        JSONBytes.appendLiteral("\", \"line\": ", to: &pending)
        JSONBytes.appendInteger(row.line, to: &pending)
        JSONBytes.appendLiteral(", \"cells\": [", to: &pending)
        var hasRawText = false
        let numbersAsStrings = options.numbersAsStrings
        for index in row.cells.indices {
            if index > 0 { JSONBytes.appendLiteral(", ", to: &pending) }
            switch row.cells[index] {
            case .empty:
                JSONBytes.appendNull(to: &pending)
            case .text(let text):
                JSONBytes.appendString(text, to: &pending)
            case .number(let value, let raw):
                JSONBytes.appendNumber(value, asString: numbersAsStrings, to: &pending)
                if raw != nil { hasRawText = true }
            }
        }
        JSONBytes.appendLiteral("]", to: &pending)
        if hasRawText {
            JSONBytes.appendLiteral(", \"raw\": [", to: &pending)
            for index in row.cells.indices {
                if index > 0 { JSONBytes.appendLiteral(", ", to: &pending) }
                if case .number(_, let raw?) = row.cells[index] {
                    JSONBytes.appendString(raw, to: &pending)
                } else {
                    JSONBytes.appendNull(to: &pending)
                }
            }
            JSONBytes.appendLiteral("]", to: &pending)
        }
        JSONBytes.appendLiteral("}", to: &pending)
        if pending.count >= Self.blockSize { try handOver() }
    }

    public func endTable(repairs: [Repair]) throws {
        JSONBytes.appendLiteral("],\n   \"repairs\": [", to: &pending)
        for (index, repair) in repairs.enumerated() {
            JSONBytes.appendLiteral(index == 0 ? "\n    {\"line\": " : ",\n    {\"line\": ", to: &pending)
            JSONBytes.appendInteger(repair.line, to: &pending)
            JSONBytes.appendLiteral(", \"action\": ", to: &pending)
            JSONBytes.appendString(repair.action, to: &pending)
            JSONBytes.appendLiteral("}", to: &pending)
        }
        JSONBytes.appendLiteral("]}", to: &pending)
        try handOverIfFull()
    }

    public func end(diagnostics: [Diagnostic]) throws {
        JSONBytes.appendLiteral("],\n \"diagnostics\": [", to: &pending)
        for (index, diagnostic) in diagnostics.enumerated() {
            JSONBytes.appendLiteral(index == 0 ? "\n  {\"severity\": " : ",\n  {\"severity\": ", to: &pending)
            JSONBytes.appendString(diagnostic.severity.rawValue, to: &pending)
            JSONBytes.appendLiteral(", \"line\": ", to: &pending)
            JSONBytes.appendInteger(diagnostic.line, to: &pending)
            if let place = diagnostic.place {
                JSONBytes.appendLiteral(", \"place\": ", to: &pending)
                JSONBytes.appendString(place, to: &pending)
            }
            JSONBytes.appendLiteral(", \"message\": ", to: &pending)
            JSONBytes.appendString(diagnostic.message, to: &pending)
            JSONBytes.appendLiteral("}", to: &pending)
        }
        JSONBytes.appendLiteral("]}\n", to: &pending)
        try handOver()
        try writer.flush()
    }

    private func handOverIfFull() throws {
        if pending.count >= Self.blockSize { try handOver() }
    }

    private func handOver() throws {
        guard !pending.isEmpty else { return }
        try writer.append(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }
}
