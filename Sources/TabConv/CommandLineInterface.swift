#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Checks
import Foundation
import TableModel

/// The `tabconv` command: arguments parsed by hand (small and tested), messages on standard
/// error, exit 0 ok, 1 bad input or failed check, 2 usage.
public struct CommandLineInterface {
    /// Where messages go; standard error unless a test captures them.
    public var printError: (String) -> Void = { message in
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
    /// Where listings and reports go; standard output unless a test captures them.
    public var printOutput: (String) -> Void = { message in
        FileHandle.standardOutput.write(Data((message + "\n").utf8))
    }
    /// Shows progress on standard error when it is a terminal.
    public var showsProgress = isatty(STDERR_FILENO) != 0

    public init() {}

    /// The command's help text.
    public static let help = """
        USAGE: tabconv INPUT [-o OUTPUT] [--from FORMAT] [--to FORMAT] [--table ID]... [options]
               tabconv list INPUT [options]
               tabconv check INPUT [--tolerance X] [--to json] [options]

        Gets the tables out of INPUT as clean, exact data. Amounts keep every digit as printed.

        ARGUMENTS:
          INPUT                   A file, or - for standard input. Formats: text extracted from a PDF
                                  (.txt: tab-separated, or space-aligned as pdftotext -layout prints it),
                                  PDF (through pdftotext from poppler-utils), CSV/TSV, XLSX, tabconv JSON.

        COMMANDS:
          list                    Lists the tables: id, title, unit, rows × columns, repairs.
                                  --layout shows the columns found in space-aligned text or a PDF:
                                  their start positions and a ruler over the first lines.
          check                   Checks every total the tables state (合计, 小计, Total, a statement's
                                  总计) with exact arithmetic; lists what fails with its line, and what
                                  could not be checked and why. Exit 1 when a total does not add up.
                                  --tolerance 0.01 accepts rounded parts; --to json gives the report
                                  as data.

        OPTIONS:
          -o, --output PATH       The output file, - for standard output (the default), or a folder
                                  (an existing one, or a path ending in /) for one file per table.
          --from FORMAT           The input format: text, pdf, csv, tsv, xlsx, json (default: from the
                                  extension or the content).
          --to FORMAT             The output format: csv, tsv, json, jsonl, xlsx, md (default: from the
                                  output's extension; Markdown on standard output, CSV in a folder).
          --table ID              Only this table, by id (预算05表), caption or position (1, 2, …).
                                  Repeat for several.
          -q, --quiet             No progress display.
          -h, --help              Shows this help.
          --version               Shows the version.

        TEXT INPUT:
          --no-repair             Keep rows as extracted, even where cells were shifted.
          --raw-text              Keep cell text exactly as extracted (no wrap-space cleanup).
          --split-codes           Split "2010350-事业运行" into code and name columns.
          --unit UNIT             Convert amounts exactly to UNIT (元, 千元, 万元, 亿元).
          --fill-down             Repeat a block's values (project name, amounts) on each of its rows.
          --parens text           Keep "(4.7)" as text instead of the negative number -4.7.
          --columns 12,30,44      Space-aligned text and PDFs: the columns start at these character
                                  positions (see list --layout); for the --table tables, else all.

        SPREADSHEET INPUT:
          --sheet NAME|N          Only this sheet.
          --header-rows N         The number of header rows (default: from merged cells, else 1).

        OUTPUT:
          --delimiter CHAR        CSV field delimiter (default , ; \\t for TSV).
          --bom                   Start CSV with a UTF-8 byte order mark (for Excel).
          --encoding gb18030      Write CSV in GB18030 (for Excel on Chinese Windows).
          --keep-number-format    Write numbers as printed (9,885.752630) in CSV.
          --json-numbers string   Write numbers as JSON strings.
          --xlsx-numbers always   Write every number as a number, even one a spreadsheet would round.

        EXAMPLES:
          tabconv Samples/budget-2026.txt -o budget.xlsx
          tabconv Samples/budget-2026.txt --to json -o budget.json
          tabconv Samples/budget-2026.txt -o tables/
          tabconv report.xlsx --sheet 2 -o sheet2.csv
          tabconv list Samples/budget-2026.txt
          tabconv check Samples/budget-2026.txt
        """

    /// Runs the command for `arguments` (without the program name) and returns the exit code.
    public func run(_ arguments: [String]) -> Int32 {
        let invocation: Invocation
        do {
            invocation = try Invocation.parse(arguments)
        } catch let error as UsageError {
            printError("tabconv: error: \(error.message)\nRun 'tabconv --help' for the options.")
            return 2
        } catch {
            printError("tabconv: error: \(error)")
            return 2
        }
        switch invocation.command {
        case .help:
            printOutput(Self.help)
            return 0
        case .version:
            printOutput("tabconv \(TabConv.version)")
            return 0
        case .list:
            return report { try list(invocation) }
        case .convert:
            return report { try convert(invocation) }
        case .check:
            return report { try check(invocation) }
        }
    }

    private func report(_ body: () throws -> Int32) -> Int32 {
        do {
            return try body()
        } catch let error as UsageError {
            printError("tabconv: error: \(error.message)")
            return 2
        } catch let error as FormatError {
            printError("tabconv: \(error)")
            return 1
        } catch {
            printError("tabconv: error: \(error)")
            return 1
        }
    }

    /// Prints the warnings and errors (notes are kept for JSON and the review), in one write.
    private func printDiagnostics(_ diagnostics: [Diagnostic], file: String) {
        let lines = diagnostics.filter { $0.severity != .note }.map { $0.rendered(file: file) }
        if !lines.isEmpty { printError(lines.joined(separator: "\n")) }
    }

    private func convert(_ invocation: Invocation) throws -> Int32 {
        let meter = ByteMeter()
        let progress = showsProgress && !invocation.options.quiet ? ProgressDisplay(meter: meter) : nil
        let report = try TabConv.convert(input: invocation.input, output: invocation.output, options: invocation.options,
                                         meter: meter, progress: progress.map { display in { display.update(rows: $0) } })
        progress?.finish(rows: report.rows)
        printDiagnostics(report.diagnostics, file: invocation.input)
        return 0
    }

    private func check(_ invocation: Invocation) throws -> Int32 {
        if invocation.output != nil {
            throw UsageError("check prints its report on standard output; redirect it to keep it (> report.txt)")
        }
        let document = try TabConv.readDocument(invocation.input, options: invocation.options)
        var options = CheckOptions()
        if let tolerance = invocation.tolerance { options.tolerance = tolerance }
        let result = Checks.run(document, options: options)
        let name = invocation.input == "-" ? "stdin" : invocation.input
        switch invocation.options.to {
        case nil, .markdown?:
            printOutput(result.renderText(file: name).trimmingCharacters(in: .newlines))
        case .json?:
            printOutput(result.renderJSON().trimmingCharacters(in: .newlines))
        case let other?:
            throw UsageError("check reports as text or --to json, not \(other.rawValue)")
        }
        printDiagnostics(document.diagnostics, file: invocation.input)
        return result.hasFailures ? 1 : 0
    }

    private func list(_ invocation: Invocation) throws -> Int32 {
        if invocation.showsLayout { return try listLayout(invocation) }
        let source = try TabConv.openSource(invocation.input, options: invocation.options)
        let counter = TableCounter()
        do {
            try source.transfer(to: counter, include: TabConv.tableFilter(invocation.options.tables))
        } catch let error as FormatError {
            throw error.inFile(invocation.input)
        }
        var lines = [["table", "title", "unit", "rows × columns", "repairs"]]
        for entry in counter.entries {
            lines.append([entry.head.id, entry.head.title, entry.head.unit ?? "",
                          "\(entry.rows) × \(entry.head.columns.count)", String(entry.repairs)])
        }
        for line in alignedColumns(lines) { printOutput(line) }
        printDiagnostics(source.diagnostics, file: invocation.input)
        return 0
    }
}

extension CommandLineInterface {
    /// `list --layout`: each block of space-aligned text with its column starts and a ruler over
    /// its first lines, so that a user can see what to give `--columns`.
    func listLayout(_ invocation: Invocation) throws -> Int32 {
        let format = try TabConv.inputFormat(of: invocation.input, options: invocation.options)
        let found = Result { try FormatRegistry.layoutBlocks(path: invocation.input, format: format, options: invocation.options) }
        if case .failure(let error as FormatError) = found { throw error.inFile(invocation.input) }
        let blocks = try found.get()
        if blocks.isEmpty { printOutput("no space-aligned blocks: the input is tab-separated or has no aligned lines") }
        for block in blocks {
            let source = block.isOverride ? "given by --columns" : "found"
            printOutput("\(block.tableID ?? "(no caption)")  page \(block.page)  lines \(block.lines.lowerBound)-\(block.lines.upperBound)  "
                        + "columns \(source): \(block.columnStarts.map(String.init).joined(separator: ","))")
            let width = max(block.sample.map { $0.unicodeScalars.count }.max() ?? 0, (block.columnStarts.last ?? 0) + 1)
            var marks = [Character](repeating: " ", count: width)
            var digits = [Character](repeating: " ", count: width)
            for (index, start) in block.columnStarts.enumerated() where start < width {
                marks[start] = "|"
                for (offset, digit) in String(index + 1).enumerated() where start + offset < width { digits[start + offset] = digit }
            }
            printOutput("    " + String(digits))
            printOutput("    " + String(marks))
            for line in block.sample.prefix(6) { printOutput("    " + line) }
            printOutput("")
        }
        return 0
    }
}

/// Counts rows per table without keeping them (for `list` on big inputs).
final class TableCounter: TableSink {
    struct Entry {
        var head: TableHead
        var rows = 0
        var repairs = 0
    }

    private(set) var entries: [Entry] = []

    func begin(source: SourceInfo) throws {}
    func beginTable(_ head: TableHead) throws { entries.append(Entry(head: head)) }
    func write(_ row: Row) throws { entries[entries.count - 1].rows += 1 }
    func endTable(repairs: [Repair]) throws { entries[entries.count - 1].repairs = repairs.count }
    func end(diagnostics: [Diagnostic]) throws {}
}

/// Lines whose columns line up, counting East Asian wide characters as two columns.
func alignedColumns(_ rows: [[String]]) -> [String] {
    let columnCount = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columnCount)
    for row in rows {
        for (index, cell) in row.enumerated() { widths[index] = max(widths[index], displayWidth(cell)) }
    }
    return rows.map { row in
        var line = ""
        for (index, cell) in row.enumerated() {
            line += cell
            if index < row.count - 1 { line += String(repeating: " ", count: widths[index] - displayWidth(cell) + 2) }
        }
        return line
    }
}

/// The columns a text takes on a terminal: East Asian wide and fullwidth characters count two.
public func displayWidth(_ text: String) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
        width + (isWide(scalar) ? 2 : (scalar.properties.generalCategory == .nonspacingMark ? 0 : 1))
    }
}

/// True for East Asian wide and fullwidth characters (CJK ideographs, kana, Hangul, fullwidth forms).
public func isWide(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
         0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
         0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
        return true
    default:
        return false
    }
}

/// Rows, rows per second and input MB/s on standard error, once a run has lasted a second.
final class ProgressDisplay {
    private let meter: ByteMeter
    private let start = Date()
    private var lastShown = Date.distantPast
    private var shown = false

    init(meter: ByteMeter) { self.meter = meter }

    func update(rows: Int) {
        guard rows % 4096 == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(start) >= 1, now.timeIntervalSince(lastShown) >= 0.5 else { return }
        lastShown = now
        shown = true
        let seconds = now.timeIntervalSince(start)
        var line = "\r\(rows) rows, \(Int(Double(rows) / seconds)) rows/s"
        let bytes = meter.bytes
        if bytes > 0 { line += String(format: ", %.1f MB/s", Double(bytes) / 1e6 / seconds) }
        FileHandle.standardError.write(Data((line + " ").utf8))
    }

    func finish(rows: Int) {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\(rows) rows\u{1B}[K\n".utf8))
    }
}
