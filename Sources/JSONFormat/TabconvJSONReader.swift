import TableModel

/// Reads tabconv's own JSON (what `JSONWriter` writes) back into a `Document`, so that
/// `json → anything` gives what the direct conversion gives.
///
/// - Numbers become `ExactDecimal`s digit for digit (`9885.752630` keeps its scale); a number
///   with an exponent (`1.5e3`, which tabconv never writes) has its point moved exactly.
/// - The `raw` array of a row restores each number cell's text as read.
/// - Output of `--json-numbers string`: a string cell in a column whose `type` is `number`
///   comes back as a number when it is a number's canonical text (`"9885.752630"`, not `"+3"`);
///   every other string stays text. (In a mixed `text` column, numbers written as strings come
///   back as text: that option is for consumers that cannot read exact numbers, not for round
///   trips.)
/// - Keys may come in any order; unknown keys are skipped (within the nesting limit); absent
///   keys take the model's defaults (`unit` absent or `null` is no unit; without `source` the
///   source is `name` in format `json`). `"tabconv"` must be present and be a version this
///   reader knows.
/// - Malformed input throws a `FormatError` with the line and column of the offending byte.
public enum TabconvJSONReader {
    /// The version of tabconv's JSON this reader reads (the `"tabconv"` key).
    public static let formatVersion = 1

    /// Reads a whole tabconv JSON document. `name` is the file name used in errors.
    public static func read(_ bytes: [UInt8], name: String) throws -> Document {
        try bytes.withUnsafeBufferPointer { buffer in
            if let offset = TextDecoding.firstInvalidUTF8Offset(buffer) {
                throw JSONScanner(bytes: buffer, fileName: name).error("invalid UTF-8 (byte 0x\(String(buffer[offset], radix: 16, uppercase: true)))", at: offset)
            }
            let hasByteOrderMark = buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF
            var scanner = JSONScanner(bytes: buffer, fileName: name, start: hasByteOrderMark ? 3 : 0)
            var document = Document(source: SourceInfo(name: name, format: "json"))
            var version: Int?
            try scanner.readObject("the tabconv document") { scanner, key in
                switch key {
                case "tabconv":
                    let start = scanner.valueStart()
                    let value = try scanner.readInteger("the tabconv format version")
                    guard value == formatVersion else {
                        throw scanner.error("tabconv JSON version \(value) is not the version this reader knows (\(formatVersion))", at: start)
                    }
                    version = value
                case "source": document.source = try readSource(&scanner)
                case "tables": try scanner.readArray("tables") { scanner in document.tables.append(try readTable(&scanner)) }
                case "diagnostics":
                    try scanner.readArray("diagnostics") { scanner in document.diagnostics.append(try readDiagnostic(&scanner)) }
                default: try scanner.skipValue()
                }
            }
            try scanner.expectEnd()
            guard version != nil else {
                throw FormatError(file: name, line: 1, "not tabconv JSON: the \"tabconv\" version key is missing")
            }
            return document
        }
    }

    private static func readSource(_ scanner: inout JSONScanner) throws -> SourceInfo {
        var source = SourceInfo(name: "", format: "")
        try scanner.readObject("source") { scanner, key in
            switch key {
            case "name": source.name = try scanner.readString()
            case "format": source.format = try scanner.readString()
            default: try scanner.skipValue()
            }
        }
        return source
    }

    /// A row as read, before the table's columns decide on string numbers and `raw` is applied.
    private struct PendingRow {
        var row: Row
        var rawTexts: [String?]?
        /// Where the row starts, for errors found once the table is complete.
        var offset: Int
    }

    private static func readTable(_ scanner: inout JSONScanner) throws -> Table {
        var head = TableHead(id: "")
        var rows: [PendingRow] = []
        var repairs: [Repair] = []
        try scanner.readObject("a table") { scanner, key in
            switch key {
            case "id": head.id = try scanner.readString()
            case "title": head.title = try scanner.readString()
            case "unit": head.unit = try scanner.readOptionalString()
            case "notes":
                try scanner.readArray("notes") { scanner in head.notes.append(try scanner.readString()) }
            case "line": head.line = try scanner.readOptionalInteger("a table's line")
            case "header":
                try scanner.readArray("header") { scanner in
                    var headerRow: [HeaderCell] = []
                    try scanner.readArray("a header row") { scanner in headerRow.append(try readHeaderCell(&scanner)) }
                    head.header.append(headerRow)
                }
            case "columns":
                try scanner.readArray("columns") { scanner in head.columns.append(try readColumn(&scanner)) }
            case "rows":
                try scanner.readArray("rows") { scanner in rows.append(try readRow(&scanner)) }
            case "repairs":
                try scanner.readArray("repairs") { scanner in repairs.append(try readRepair(&scanner)) }
            default: try scanner.skipValue()
            }
        }
        let numberColumns = head.columns.map { $0.type == .number }
        var table = Table(head: head, repairs: repairs)
        table.rows.reserveCapacity(rows.count)
        for pending in rows {
            var row = pending.row
            for index in row.cells.indices where index < numberColumns.count && numberColumns[index] {
                if case .text(let text) = row.cells[index], let value = ExactDecimal(text, options: .plain), value.text == text {
                    row.cells[index] = .number(value)
                }
            }
            if let rawTexts = pending.rawTexts {
                guard rawTexts.count == row.cells.count else {
                    throw scanner.error("a row's \"raw\" has \(rawTexts.count) entries for \(row.cells.count) cells", at: pending.offset)
                }
                for (index, raw) in rawTexts.enumerated() {
                    guard let raw else { continue }
                    guard case .number(let value, _) = row.cells[index] else {
                        throw scanner.error("a row's \"raw\" has text for cell \(index + 1), which is not a number", at: pending.offset)
                    }
                    row.cells[index] = .number(value, raw: raw)
                }
            }
            table.rows.append(row)
        }
        return table
    }

    private static func readHeaderCell(_ scanner: inout JSONScanner) throws -> HeaderCell {
        var cell = HeaderCell(text: "", column: 0)
        let start = scanner.valueStart()
        try scanner.readObject("a header cell") { scanner, key in
            switch key {
            case "text": cell.text = try scanner.readString()
            case "col": cell.column = try scanner.readInteger("col")
            case "colspan": cell.columnSpan = try scanner.readInteger("colspan")
            case "rowspan": cell.rowSpan = try scanner.readInteger("rowspan")
            default: try scanner.skipValue()
            }
        }
        guard cell.column >= 0, cell.columnSpan >= 1, cell.rowSpan >= 1 else {
            throw scanner.error("a header cell needs col ≥ 0, colspan ≥ 1 and rowspan ≥ 1", at: start)
        }
        return cell
    }

    private static func readColumn(_ scanner: inout JSONScanner) throws -> Column {
        var name: String?
        var path: [String] = []
        var type = ColumnType.text
        try scanner.readObject("a column") { scanner, key in
            switch key {
            case "name": name = try scanner.readString()
            case "path": try scanner.readArray("a column path") { scanner in path.append(try scanner.readString()) }
            case "type":
                let start = scanner.valueStart()
                let text = try scanner.readString()
                guard let value = ColumnType(rawValue: text) else {
                    throw scanner.error("unknown column type \"\(text)\" (number, text or empty)", at: start)
                }
                type = value
            default: try scanner.skipValue()
            }
        }
        var column = Column(path: path, type: type)
        if let name { column.name = name }
        return column
    }

    private static func readRow(_ scanner: inout JSONScanner) throws -> PendingRow {
        scanner.skipWhitespace()
        var pending = PendingRow(row: Row(cells: []), rawTexts: nil, offset: scanner.position)
        try scanner.readObject("a row") { scanner, key in
            switch key {
            case "kind":
                let start = scanner.valueStart()
                let text = try scanner.readString()
                guard let kind = RowKind(rawValue: text) else {
                    throw scanner.error("unknown row kind \"\(text)\" (data, subtotal or total)", at: start)
                }
                pending.row.kind = kind
            case "line": pending.row.line = try scanner.readOptionalInteger("a row's line")
            case "cells":
                try scanner.readArray("cells") { scanner in pending.row.cells.append(try readCell(&scanner)) }
            case "raw":
                var rawTexts: [String?] = []
                try scanner.readArray("raw") { scanner in rawTexts.append(try scanner.readOptionalString()) }
                pending.rawTexts = rawTexts
            default: try scanner.skipValue()
            }
        }
        return pending
    }

    private static func readCell(_ scanner: inout JSONScanner) throws -> Cell {
        switch scanner.peek() ?? 0 {
        case 0x22: return .text(try scanner.readString())
        case 0x6E:
            _ = try scanner.readNullIfPresent()
            return .empty
        case 0x2D, 0x30...0x39: return .number(try scanner.readDecimal())
        default: throw scanner.error("a cell must be a string, a number or null, found \(scanner.describeCurrent())")
        }
    }

    private static func readRepair(_ scanner: inout JSONScanner) throws -> Repair {
        var repair = Repair(line: 0, action: "")
        try scanner.readObject("a repair") { scanner, key in
            switch key {
            case "line": repair.line = try scanner.readInteger("a repair's line")
            case "action": repair.action = try scanner.readString()
            default: try scanner.skipValue()
            }
        }
        return repair
    }

    private static func readDiagnostic(_ scanner: inout JSONScanner) throws -> Diagnostic {
        var diagnostic = Diagnostic(.warning, "")
        try scanner.readObject("a diagnostic") { scanner, key in
            switch key {
            case "severity":
                let start = scanner.valueStart()
                let text = try scanner.readString()
                guard let severity = Diagnostic.Severity(rawValue: text) else {
                    throw scanner.error("unknown severity \"\(text)\" (error, warning or note)", at: start)
                }
                diagnostic.severity = severity
            case "line": diagnostic.line = try scanner.readOptionalInteger("a diagnostic's line")
            case "place": diagnostic.place = try scanner.readOptionalString()
            case "message": diagnostic.message = try scanner.readString()
            default: try scanner.skipValue()
            }
        }
        return diagnostic
    }
}
