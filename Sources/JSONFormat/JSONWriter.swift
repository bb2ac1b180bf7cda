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
    private var buffer: OutputBuffer
    private var tableCount = 0
    private var rowCount = 0

    private static let blockSize = 1 << 16

    public init(output: ByteSink, options: JSONWriteOptions = .init()) {
        self.writer = ByteWriter(output)
        self.options = options
        buffer = OutputBuffer(capacity: Self.blockSize + 4096)
    }

    deinit { buffer.deallocate() }

    public func begin(source: SourceInfo) throws {
        tableCount = 0
        buffer.appendLiteral("{\"tabconv\": 1,\n \"source\": {\"name\": ")
        buffer.appendString(source.name)
        buffer.appendLiteral(", \"format\": ")
        buffer.appendString(source.format)
        buffer.appendLiteral("},\n \"tables\": [")
    }

    public func beginTable(_ head: TableHead) throws {
        var output = buffer
        defer { buffer = output }
        output.appendLiteral(tableCount == 0 ? "\n  {\"id\": " : ",\n  {\"id\": ")
        tableCount += 1
        rowCount = 0
        output.appendString(head.id)
        output.appendLiteral(", \"title\": ")
        output.appendString(head.title)
        output.appendLiteral(", \"unit\": ")
        output.appendString(head.unit)
        output.appendLiteral(", \"notes\": [")
        for (index, note) in head.notes.enumerated() {
            if index > 0 { output.appendLiteral(", ") }
            output.appendString(note)
        }
        output.appendLiteral("], \"line\": ")
        output.appendInteger(head.line)

        output.appendLiteral(",\n   \"header\": [")
        for (rowIndex, headerRow) in head.header.enumerated() {
            output.appendLiteral(rowIndex == 0 ? "\n    [" : ",\n    [")
            for (index, cell) in headerRow.enumerated() {
                output.appendLiteral(index == 0 ? "{\"text\": " : ", {\"text\": ")
                output.appendString(cell.text)
                output.appendLiteral(", \"col\": ")
                output.appendInteger(cell.column)
                output.appendLiteral(", \"colspan\": ")
                output.appendInteger(cell.columnSpan)
                output.appendLiteral(", \"rowspan\": ")
                output.appendInteger(cell.rowSpan)
                output.appendLiteral("}")
            }
            output.appendLiteral("]")
        }
        output.appendLiteral("],\n   \"columns\": [")
        for (index, column) in head.columns.enumerated() {
            output.appendLiteral(index == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ")
            output.appendString(column.name)
            output.appendLiteral(", \"path\": [")
            for (level, label) in column.path.enumerated() {
                if level > 0 { output.appendLiteral(", ") }
                output.appendString(label)
            }
            output.appendLiteral("], \"type\": ")
            output.appendString(column.type.rawValue)
            output.appendLiteral("}")
        }
        output.appendLiteral("],\n   \"rows\": [")
        try handOverIfFull(&output)
    }

    public func write(_ row: Row) throws {
        var output = buffer
        defer { buffer = output }
        output.appendLiteral(rowCount == 0 ? "\n    {\"kind\": \"" : ",\n    {\"kind\": \"")
        rowCount += 1
        switch row.kind {
        case .data: output.appendLiteral("data")
        case .subtotal: output.appendLiteral("subtotal")
        case .total: output.appendLiteral("total")
        }
        output.appendLiteral("\", \"line\": ")
        output.appendInteger(row.line)
        output.appendLiteral(", \"cells\": [")
        var hasRawText = false
        let numbersAsStrings = options.numbersAsStrings
        for index in row.cells.indices {
            if index > 0 { output.appendLiteral(", ") }
            switch row.cells[index] {
            case .empty:
                output.appendNull()
            case .text(let text):
                output.appendString(text)
            case .number(let value, let raw):
                output.appendNumber(value, asString: numbersAsStrings)
                if raw != nil { hasRawText = true }
            }
        }
        output.appendLiteral("]")
        if hasRawText {
            output.appendLiteral(", \"raw\": [")
            for index in row.cells.indices {
                if index > 0 { output.appendLiteral(", ") }
                if case .number(_, let raw?) = row.cells[index] {
                    output.appendString(raw)
                } else {
                    output.appendNull()
                }
            }
            output.appendLiteral("]")
        }
        output.appendLiteral("}")
        try handOverIfFull(&output)
    }

    public func endTable(repairs: [Repair]) throws {
        var output = buffer
        defer { buffer = output }
        output.appendLiteral("],\n   \"repairs\": [")
        for (index, repair) in repairs.enumerated() {
            output.appendLiteral(index == 0 ? "\n    {\"line\": " : ",\n    {\"line\": ")
            output.appendInteger(repair.line)
            output.appendLiteral(", \"action\": ")
            output.appendString(repair.action)
            output.appendLiteral("}")
        }
        output.appendLiteral("]}")
        try handOverIfFull(&output)
    }

    public func end(diagnostics: [Diagnostic]) throws {
        var output = buffer
        defer { buffer = output }
        output.appendLiteral("],\n \"diagnostics\": [")
        for (index, diagnostic) in diagnostics.enumerated() {
            output.appendLiteral(index == 0 ? "\n  {\"severity\": " : ",\n  {\"severity\": ")
            output.appendString(diagnostic.severity.rawValue)
            output.appendLiteral(", \"line\": ")
            output.appendInteger(diagnostic.line)
            if let place = diagnostic.place {
                output.appendLiteral(", \"place\": ")
                output.appendString(place)
            }
            output.appendLiteral(", \"message\": ")
            output.appendString(diagnostic.message)
            output.appendLiteral("}")
        }
        output.appendLiteral("]}\n")
        try handOver(&output)
        try writer.flush()
    }

    @inline(__always)
    private func handOverIfFull(_ output: inout OutputBuffer) throws {
        if output.count >= Self.blockSize { try handOver(&output) }
    }

    private func handOver(_ output: inout OutputBuffer) throws {
        guard output.count > 0 else { return }
        try writer.append(contentsOf: output.bytes)
        output.removeAll()
    }
}
