import CSVFormat
import JSONFormat
import MarkdownFormat
import OOXML
import TableModel

/// The one place that knows every format module: readers by input format, writers by output format.
enum FormatRegistry {
    /// Inputs read whole (text documents, tabconv JSON) may be at most this large.
    static let wholeDocumentLimit = 512 << 20

    static func openSource(path: String, format: Format, options: ConversionOptions) throws -> TableSource {
        switch format {
        case .json:
            let bytes = try FileByteSource(path: path).readAll(limit: wholeDocumentLimit)
            return DocumentSource(try TabconvJSONReader.read(bytes, name: displayName(path)))
        case .csv, .tsv:
            var readOptions = CSVReadOptions()
            readOptions.delimiter = options.delimiter ?? (format == .tsv ? 0x09 : nil)
            return try CSVReader(source: try FileByteSource(path: path), name: displayName(path), options: readOptions)
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

    static func makeWriter(_ format: Format, output: ByteSink, options: ConversionOptions) throws -> TableSink {
        switch format {
        case .json:
            return JSONWriter(output: output, options: JSONWriteOptions(numbersAsStrings: options.jsonNumbersAsStrings))
        case .jsonl:
            return JSONLinesWriter(output: output, options: JSONWriteOptions(numbersAsStrings: options.jsonNumbersAsStrings))
        case .markdown:
            return MarkdownWriter(output: output)
        case .csv, .tsv:
            let delimiter = options.delimiter ?? (format == .tsv ? 0x09 : 0x2C)
            return CSVWriter(output: output, options: CSVWriteOptions(
                delimiter: delimiter, bom: options.byteOrderMark, encoding: options.csvEncoding,
                keepNumberFormat: options.keepNumberFormat))
        default:
            throw UsageError("tabconv cannot write \(format.rawValue)")
        }
    }

    /// The name a document records as its source: the file's name without folders.
    static func displayName(_ path: String) -> String {
        path == "-" ? "stdin" : String(path.split(separator: "/").last ?? Substring(path))
    }
}
