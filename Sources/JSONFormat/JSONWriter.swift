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
    private var buffer: RawByteBuffer
    private var tableCount = 0
    private var rowCount = 0

    private static let blockSize = 1 << 16

    public init(output: ByteSink, options: JSONWriteOptions = .init()) {
        self.writer = ByteWriter(output)
        self.options = options
        buffer = RawByteBuffer(capacity: Self.blockSize + 4096)
    }

    deinit { buffer.deallocate() }

    public func begin(source: SourceInfo) throws {
        tableCount = 0
        buffer.append("{\"tabconv\": 1,\n \"source\": {\"name\": ")
        buffer.appendString(source.name)
        buffer.append(", \"format\": ")
        buffer.appendString(source.format)
        buffer.append("},\n \"tables\": [")
    }

    public func beginTable(_ head: TableHead) throws {
        var output = buffer
        defer { buffer = output }
        output.append(tableCount == 0 ? "\n  {\"id\": " : ",\n  {\"id\": ")
        tableCount += 1
        rowCount = 0
        output.appendString(head.id)
        output.append(", \"title\": ")
        output.appendString(head.title)
        output.append(", \"unit\": ")
        output.appendString(head.unit)
        output.append(", \"notes\": [")
        for (index, note) in head.notes.enumerated() {
            if index > 0 { output.append(", ") }
            output.appendString(note)
        }
        output.append("], \"line\": ")
        output.appendInteger(head.line)

        output.append(",\n   \"header\": [")
        for (rowIndex, headerRow) in head.header.enumerated() {
            output.append(rowIndex == 0 ? "\n    [" : ",\n    [")
            for (index, cell) in headerRow.enumerated() {
                output.append(index == 0 ? "{\"text\": " : ", {\"text\": ")
                output.appendString(cell.text)
                output.append(", \"col\": ")
                output.appendInteger(cell.column)
                output.append(", \"colspan\": ")
                output.appendInteger(cell.columnSpan)
                output.append(", \"rowspan\": ")
                output.appendInteger(cell.rowSpan)
                output.append("}")
            }
            output.append("]")
        }
        output.append("],\n   \"columns\": [")
        for (index, column) in head.columns.enumerated() {
            output.append(index == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ")
            output.appendString(column.name)
            output.append(", \"path\": [")
            for (level, label) in column.path.enumerated() {
                if level > 0 { output.append(", ") }
                output.appendString(label)
            }
            output.append("], \"type\": ")
            output.appendString(column.type.rawValue)
            output.append("}")
        }
        output.append("],\n   \"rows\": [")
        try handOverIfFull(&output)
    }

    public func write(_ row: Row) throws {
        var output = buffer
        defer { buffer = output }
        output.append(rowCount == 0 ? "\n    {\"kind\": \"" : ",\n    {\"kind\": \"")
        rowCount += 1
        switch row.kind {
        case .data: output.append("data")
        case .subtotal: output.append("subtotal")
        case .total: output.append("total")
        }
        output.append("\", \"line\": ")
        output.appendInteger(row.line)
        output.append(", \"cells\": [")
        var hasRawText = false
        let numbersAsStrings = options.numbersAsStrings
        for index in row.cells.indices {
            if index > 0 { output.append(", ") }
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
        output.append("]")
        if hasRawText {
            output.append(", \"raw\": [")
            for index in row.cells.indices {
                if index > 0 { output.append(", ") }
                if case .number(_, let raw?) = row.cells[index] {
                    output.appendString(raw)
                } else {
                    output.appendNull()
                }
            }
            output.append("]")
        }
        output.append("}")
        try handOverIfFull(&output)
    }

    public func endTable(repairs: [Repair]) throws {
        var output = buffer
        defer { buffer = output }
        output.append("],\n   \"repairs\": [")
        for (index, repair) in repairs.enumerated() {
            output.append(index == 0 ? "\n    {\"line\": " : ",\n    {\"line\": ")
            output.appendInteger(repair.line)
            output.append(", \"action\": ")
            output.appendString(repair.action)
            output.append("}")
        }
        output.append("]}")
        try handOverIfFull(&output)
    }

    public func end(diagnostics: [Diagnostic]) throws {
        var output = buffer
        defer { buffer = output }
        output.append("],\n \"diagnostics\": [")
        for (index, diagnostic) in diagnostics.enumerated() {
            output.append(index == 0 ? "\n  {\"severity\": " : ",\n  {\"severity\": ")
            output.appendString(diagnostic.severity.rawValue)
            output.append(", \"line\": ")
            output.appendInteger(diagnostic.line)
            if let place = diagnostic.place {
                output.append(", \"place\": ")
                output.appendString(place)
            }
            output.append(", \"message\": ")
            output.appendString(diagnostic.message)
            output.append("}")
        }
        output.append("]}\n")
        try handOver(&output)
        try writer.flush()
    }

    @inline(__always)
    private func handOverIfFull(_ output: inout RawByteBuffer) throws {
        if output.count >= Self.blockSize { try handOver(&output) }
    }

    private func handOver(_ output: inout RawByteBuffer) throws {
        guard output.count > 0 else { return }
        try writer.append(contentsOf: output.bytes)
        output.removeAll()
    }
}
