import TableModel

/// The formats tabconv reads and writes.
public enum Format: String, CaseIterable, Sendable {
    /// Text extracted from a PDF: tab-separated or space-aligned (`pdftotext -layout`).
    case text
    case csv
    case tsv
    /// tabconv's JSON (the reference serialisation of the model).
    case json
    /// JSON Lines: one fact per non-empty data cell.
    case jsonl
    case xlsx
    case markdown = "md"
    /// A PDF, read through poppler's `pdftotext -layout` as space-aligned text.
    case pdf

    /// The formats accepted after `--from`/`--to`, with their extensions.
    public static func named(_ name: String) -> Format? {
        switch name.lowercased() {
        case "text", "txt": return .text
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "json": return .json
        case "jsonl", "ndjson", "json-lines", "jsonlines": return .jsonl
        case "xlsx", "xlsm": return .xlsx
        case "md", "markdown": return .markdown
        case "pdf": return .pdf
        default: return nil
        }
    }

    /// The format a file name's extension names, if any.
    public static func fromExtension(of path: String) -> Format? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        return named(String(path[path.index(after: dot)...]))
    }

    /// The extension written for this format.
    public var fileExtension: String { self == .text ? "txt" : rawValue }

    /// True when tabconv can read this format.
    public var isReadable: Bool { self != .jsonl && self != .markdown }

    /// True when tabconv can write this format.
    public var isWritable: Bool { self != .text && self != .pdf }

    /// True when one output file holds one table only.
    public var holdsOneTable: Bool { self == .csv || self == .tsv }

    /// Guesses the format of an input from its first bytes: ZIP → XLSX, `%PDF-` → PDF, `{"tabconv"` → JSON,
    /// otherwise text (the text reader finds captions; CSV needs its extension or `--from csv`).
    public static func sniff(_ prefix: [UInt8]) -> Format {
        if prefix.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .xlsx }
        if prefix.starts(with: Array("%PDF-".utf8)) { return .pdf }
        var body = prefix[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        let start = body.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        if start.first == 0x7B, String(decoding: start.prefix(64), as: UTF8.self).contains("\"tabconv\"") {
            return .json
        }
        return .text
    }
}
