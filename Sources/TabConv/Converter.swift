// TabConv: the facade. It picks a reader by the input's format (extension, `--from` or content),
// a writer by the output's, and streams tables from one to the other through TableModel's
// seams. Outputs are written to temporary files and renamed into place only when everything
// succeeded. Format modules know nothing of each other; only this module knows them all
// (FormatRegistry.swift).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@_exported import TableModel

/// A call that cannot work as given (exit code 2), as opposed to bad input (exit code 1).
public struct UsageError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What a conversion did.
public struct ConversionReport: Sendable {
    /// The files written (none for standard output).
    public var outputs: [String] = []
    public var tables = 0
    public var rows = 0
    /// The reader's and writers' diagnostics.
    public var diagnostics: [Diagnostic] = []
}

/// A writer that has something to say once it is done (numbers it had to write as text, …).
public protocol DiagnosticReporting: AnyObject {
    var diagnostics: [Diagnostic] { get }
}

/// Converting, listing and reading documents by file name.
public enum TabConv {
    /// tabconv's version.
    public static let version = "0.1.0"

    /// The format of the input at `path`: `--from`, else its extension, else its content.
    public static func inputFormat(of path: String, options: ConversionOptions) throws -> Format {
        if let format = options.from { return format }
        if path != "-", let format = Format.fromExtension(of: path), format.isReadable { return format }
        guard path != "-" else { return .text }
        let source = try FileByteSource(path: path)
        var prefix = [UInt8](repeating: 0, count: 512)
        let count = try prefix.withUnsafeMutableBytes { try source.read(into: $0) }
        return Format.sniff(Array(prefix[0..<count]))
    }

    /// Opens the input at `path` (`-` for standard input) with the reader for its format.
    public static func openSource(_ path: String, options: ConversionOptions = ConversionOptions(),
                                  meter: ByteMeter? = nil) throws -> TableSource {
        let format = try inputFormat(of: path, options: options)
        guard format.isReadable else { throw UsageError("tabconv cannot read \(format.rawValue) (\(path))") }
        do {
            return try FormatRegistry.openSource(path: path, format: format, options: options, meter: meter)
        } catch let error as FormatError {
            throw error.inFile(path)
        }
    }

    /// Reads the whole input at `path` into a document (tables filtered by `options.tables`).
    public static func readDocument(_ path: String, options: ConversionOptions = ConversionOptions()) throws -> Document {
        let source = try openSource(path, options: options)
        let builder = DocumentBuilder()
        do {
            try source.transfer(to: builder, include: tableFilter(options.tables))
        } catch let error as FormatError {
            throw error.inFile(path)
        }
        return builder.document
    }

    /// Converts `input` to `output` (`nil` or `-` for standard output; a folder, or a path ending
    /// in `/`, for one file per table). `progress` is called with the rows written so far;
    /// `meter`, when given, counts the input bytes read.
    public static func convert(input: String, output: String?, options: ConversionOptions = ConversionOptions(),
                               meter: ByteMeter? = nil, progress: ((Int) -> Void)? = nil) throws -> ConversionReport {
        let destination = output ?? "-"
        let toFolder = destination != "-" && (destination.hasSuffix("/") || isDirectory(destination))
        let outputFormat: Format
        if let format = options.to {
            outputFormat = format
        } else if toFolder || destination == "-" {
            outputFormat = toFolder ? .csv : .markdown
        } else if let format = Format.fromExtension(of: destination) {
            outputFormat = format
        } else {
            throw UsageError("cannot tell the output format of \(destination): give it an extension or use --to FORMAT")
        }
        guard outputFormat.isWritable else { throw UsageError("tabconv cannot write \(outputFormat.rawValue)") }
        if input != "-", destination != "-", !toFolder, isSameFile(input, destination) {
            throw UsageError("refusing to write over the input \(input)")
        }

        let source = try openSource(input, options: options, meter: meter)
        var report = ConversionReport()
        let sink: TableSink & OutputCommitting
        if toFolder {
            let folder = destination.hasSuffix("/") ? String(destination.dropLast()) : destination
            var created = false
            if !isDirectory(folder) {
                guard mkdir(folder, 0o755) == 0 else {
                    throw FormatError(file: destination, "cannot create the folder: \(String(cString: strerror(errno)))")
                }
                created = true
            }
            sink = FolderSink(folder: folder, format: outputFormat, options: options, input: input,
                              removesFolderOnDiscard: created)
        } else {
            let file = try AtomicFileSink(path: destination)
            do {
                let writer = try FormatRegistry.makeWriter(outputFormat, output: file, options: options)
                sink = SingleOutputSink(writer: writer, file: file, format: outputFormat,
                                        tableIDs: (source as? DocumentSource)?.tableIDs)
            } catch {
                file.discard()
                throw error
            }
        }
        do {
            var rows = 0
            report.tables = try source.transfer(to: sink, include: tableFilter(options.tables)) { count in
                rows = count
                progress?(count)
            }
            report.rows = rows
            if report.tables == 0, !options.tables.isEmpty {
                throw UsageError("no table matches --table \(options.tables.joined(separator: ", "))")
            }
            try sink.commit()
            report.outputs = sink.committedPaths
        } catch let error as FormatError {
            sink.discard()
            throw error.file == nil ? error.inFile(input) : error
        } catch {
            sink.discard()
            throw error
        }
        report.diagnostics = source.diagnostics + sink.writerDiagnostics
        return report
    }

    /// A filter accepting the tables that `selectors` name by id, caption or 1-based position.
    /// An id also selects the further sections of a form read as several tables (`预算13表-2`).
    static func tableFilter(_ selectors: [String]) -> (TableHead) -> Bool {
        guard !selectors.isEmpty else { return { _ in true } }
        var position = 0
        return { head in
            position += 1
            return selectors.contains { selector in
                selector == head.id || selector == head.caption || selector == head.title || selector == String(position)
                    || isSection(head.id, of: selector)
            }
        }
    }

    /// True when `id` is `<table>-<number>`, the id the text reader gives a form's later sections.
    static func isSection(_ id: String, of table: String) -> Bool {
        guard id.hasPrefix(table + "-") else { return false }
        let suffix = id.dropFirst(table.count + 1)
        return !suffix.isEmpty && suffix.allSatisfy(\.isASCII) && suffix.allSatisfy(\.isNumber)
    }

    /// The file name for one table in a folder: `<id>-<title>.<ext>`, made safe for file systems.
    public static func fileName(for head: TableHead, format: Format) -> String {
        let base = head.title.isEmpty || head.title == head.id ? head.id : head.id + "-" + head.title
        var safe = String(base.map { character -> Character in
            if character == "/" || character == "\\" || character == ":" || character.isNewline
                || character.unicodeScalars.contains(where: { $0.value < 0x20 }) { return "_" }
            return character
        })
        if safe.isEmpty || safe.hasPrefix(".") { safe = "table" + safe }
        return safe + "." + format.fileExtension
    }
}

extension DocumentSource {
    /// The ids of the document's tables.
    var tableIDs: [String] { document.tables.map(\.id) }
}

/// A sink whose output becomes visible only when it is committed.
protocol OutputCommitting: AnyObject {
    func commit() throws
    func discard()
    var committedPaths: [String] { get }
    var writerDiagnostics: [Diagnostic] { get }
}

/// One writer into one file (or standard output).
final class SingleOutputSink: TableSink, OutputCommitting {
    private let writer: TableSink
    private let file: AtomicFileSink
    private let format: Format
    private let tableIDs: [String]?
    private var tables: [String] = []

    init(writer: TableSink, file: AtomicFileSink, format: Format, tableIDs: [String]?) {
        self.writer = writer
        self.file = file
        self.format = format
        self.tableIDs = tableIDs
    }

    func begin(source: SourceInfo) throws { try writer.begin(source: source) }

    func beginTable(_ head: TableHead) throws {
        tables.append(head.id)
        if format.holdsOneTable && tables.count > 1 {
            let known = tableIDs.map { $0.count > tables.count ? $0 : tables } ?? tables
            throw UsageError("""
                the input has several tables and a \(format.rawValue.uppercased()) file holds one: \
                pick one with --table ID or write one file per table with -o FOLDER/. Tables: \
                \(known.joined(separator: ", "))
                """)
        }
        try writer.beginTable(head)
    }

    func write(_ row: Row) throws { try writer.write(row) }
    func endTable(repairs: [Repair]) throws { try writer.endTable(repairs: repairs) }
    func end(diagnostics: [Diagnostic]) throws { try writer.end(diagnostics: diagnostics) }

    func commit() throws { try file.commit() }
    func discard() { file.discard() }
    var committedPaths: [String] { file.path == "-" ? [] : [file.path] }
    var writerDiagnostics: [Diagnostic] { (writer as? DiagnosticReporting)?.diagnostics ?? [] }
}

/// One file per table in a folder; every file is committed only when all tables succeeded.
final class FolderSink: TableSink, OutputCommitting {
    private let folder: String
    private let format: Format
    private let options: ConversionOptions
    private let input: String
    private var source = SourceInfo(name: "", format: "")
    private var files: [AtomicFileSink] = []
    private var current: TableSink?
    private var usedNames: Set<String> = []
    private var diagnostics: [Diagnostic] = []

    /// True when the conversion created the folder, so that a failure removes it again.
    private let removesFolderOnDiscard: Bool

    init(folder: String, format: Format, options: ConversionOptions, input: String, removesFolderOnDiscard: Bool) {
        self.folder = folder
        self.removesFolderOnDiscard = removesFolderOnDiscard
        self.format = format
        self.options = options
        self.input = input
    }

    func begin(source: SourceInfo) throws { self.source = source }

    func beginTable(_ head: TableHead) throws {
        var name = TabConv.fileName(for: head, format: format)
        var counter = 2
        while usedNames.contains(name.lowercased()) {
            let stem = TabConv.fileName(for: head, format: format).dropLast(format.fileExtension.count + 1)
            name = "\(stem)-\(counter).\(format.fileExtension)"
            counter += 1
        }
        usedNames.insert(name.lowercased())
        let path = folder + "/" + name
        if input != "-", isSameFile(input, path) { throw UsageError("refusing to write over the input \(input)") }
        let file = try AtomicFileSink(path: path)
        files.append(file)
        let writer = try FormatRegistry.makeWriter(format, output: file, options: options)
        current = writer
        try writer.begin(source: source)
        try writer.beginTable(head)
    }

    func write(_ row: Row) throws { try current?.write(row) }

    func endTable(repairs: [Repair]) throws {
        guard let writer = current else { return }
        try writer.endTable(repairs: repairs)
        try writer.end(diagnostics: [])
        diagnostics += (writer as? DiagnosticReporting)?.diagnostics ?? []
        current = nil
    }

    func end(diagnostics: [Diagnostic]) throws {}

    func commit() throws {
        for file in files { try file.commit() }
    }

    func discard() {
        files.forEach { $0.discard() }
        if removesFolderOnDiscard { rmdir(folder) }
    }
    var committedPaths: [String] { files.map(\.path) }
    var writerDiagnostics: [Diagnostic] { diagnostics }
}
