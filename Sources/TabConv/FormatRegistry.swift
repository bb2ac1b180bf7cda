import CSVFormat
import JSONFormat
import MarkdownFormat
import OOXML
import TableModel
import TextTables

/// The one place that knows every format module: readers by input format, writers by output format.
enum FormatRegistry {
    /// Inputs read whole (text documents, tabconv JSON) may be at most this large.
    static let wholeDocumentLimit = 512 << 20

    static func openSource(path: String, format: Format, options: ConversionOptions, meter: ByteMeter? = nil) throws -> TableSource {
        switch format {
        case .text:
            let bytes = try FileByteSource(path: path, meter: meter).readAll(limit: wholeDocumentLimit)
            try rejectBinary(bytes)
            return DocumentSource(try TextTables.read(bytes, name: displayName(path), options: textReadOptions(options)))
        case .pdf:
            let bytes = try PDFText.layoutText(path: path, limit: wholeDocumentLimit)
            var textOptions = textReadOptions(options)
            textOptions.layout = .spaces
            return DocumentSource(try TextTables.read(bytes, name: displayName(path), options: textOptions))
        case .json:
            let bytes = try FileByteSource(path: path, meter: meter).readAll(limit: wholeDocumentLimit)
            return DocumentSource(try TabconvJSONReader.read(bytes, name: displayName(path)))
        case .csv, .tsv:
            var readOptions = CSVReadOptions()
            readOptions.delimiter = options.delimiter ?? (format == .tsv ? 0x09 : nil)
            return try CSVReader(source: try FileByteSource(path: path, meter: meter), name: displayName(path), options: readOptions)
        case .xlsx:
            guard path != "-" else { throw UsageError("XLSX cannot be read from standard input: give a file") }
            var readOptions = XLSXReadOptions()
            readOptions.sheet = options.sheet
            readOptions.headerRows = options.headerRows
            readOptions.fillDown = options.fillDown
            return try XLSXReader(path: path, name: displayName(path), options: readOptions)
        default:
            throw UsageError("tabconv cannot read \(format.rawValue)")
        }
    }

    /// The text reader's options, from the conversion's.
    static func textReadOptions(_ options: ConversionOptions) -> TextReadOptions {
        var textOptions = TextReadOptions(
            repair: options.repair, rawText: options.rawText, splitCodes: options.splitCodes,
            targetUnit: options.unit, fillDown: options.fillDown, parenthesesAsText: options.parenthesesAsText)
        if let starts = options.columnStarts {
            textOptions.columnOverride = ColumnOverride(starts: starts, tables: options.tables)
        }
        return textOptions
    }

    /// The columns found in a text or PDF input, for `tabconv list --layout`.
    static func layoutBlocks(path: String, format: Format, options: ConversionOptions) throws -> [LayoutBlock] {
        var textOptions = textReadOptions(options)
        let bytes: [UInt8]
        switch format {
        case .text:
            bytes = try FileByteSource(path: path).readAll(limit: wholeDocumentLimit)
            try rejectBinary(bytes)
        case .pdf:
            bytes = try PDFText.layoutText(path: path, limit: wholeDocumentLimit)
            textOptions.layout = .spaces
        default:
            throw UsageError("list --layout shows the columns of text and PDF inputs, not \(format.rawValue)")
        }
        return try TextTables.layoutBlocks(bytes, name: displayName(path), options: textOptions)
    }

    static func makeWriter(_ format: Format, output: ByteSink, options: ConversionOptions) throws -> TableSink {
        switch format {
        case .json:
            return JSONWriter(output: output, options: JSONWriteOptions(numbersAsStrings: options.jsonNumbersAsStrings))
        case .jsonl:
            return JSONLinesWriter(output: output, options: JSONWriteOptions(numbersAsStrings: options.jsonNumbersAsStrings))
        case .markdown:
            return MarkdownWriter(output: output)
        case .xlsx:
            var writeOptions = XLSXWriteOptions()
            writeOptions.numbers = options.xlsxNumbersAlways ? .always : .exact
            return XLSXWriter(output: output, options: writeOptions)
        case .csv, .tsv:
            let delimiter = options.delimiter ?? (format == .tsv ? 0x09 : 0x2C)
            return CSVWriter(output: output, options: CSVWriteOptions(
                delimiter: delimiter, bom: options.byteOrderMark, encoding: options.csvEncoding,
                keepNumberFormat: options.keepNumberFormat))
        default:
            throw UsageError("tabconv cannot write \(format.rawValue)")
        }
    }

    /// Refuses input that is binary data rather than text: a NUL byte, or many control characters,
    /// in its first block (UTF-16 with a byte order mark is text).
    static func rejectBinary(_ bytes: [UInt8]) throws {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return }
        let prefix = bytes.prefix(1 << 16)
        if let offset = prefix.firstIndex(of: 0) {
            throw FormatError(place: "byte \(offset)", "binary data, not text (a NUL byte); give a text, CSV, XLSX or JSON file")
        }
        let controls = prefix.filter { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D && $0 != 0x0C }.count
        if controls * 20 > prefix.count {
            throw FormatError("binary data, not text (\(controls) control bytes in the first \(prefix.count)); give a text, CSV, XLSX or JSON file")
        }
    }

    /// The name a document records as its source: the file's name without folders.
    static func displayName(_ path: String) -> String {
        path == "-" ? "stdin" : String(path.split(separator: "/").last ?? Substring(path))
    }
}

extension XLSXWriter: DiagnosticReporting {}
