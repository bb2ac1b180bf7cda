// TextTables: the text of a published PDF (tab-separated, as a PDF viewer copies it, or
// space-aligned, as `pdftotext -layout` prints it) → Document.
//
// How it reads (each step in its own file):
// 1. SourceText: bytes are decoded (UTF-8/BOM, UTF-16, GB18030), cut into lines (LF, CRLF, CR)
//    and lines into cells: at tabs (TabSplitter), or, for text without tabs whose runs of spaces
//    line up, by LayoutSplitter (LayoutText.swift, LayoutColumns.swift: pages, columns from aligned
//    gaps, header levels, wrapped lines joined into their rows). Everything after works alike.
//    TextCleanup removes wrap and letter-spacing spaces (`收 入`, `北京 市政府`) from cells.
// 2. Segmentation: a caption line (`预算01表 收支总表`, `表3 …`, `Table 2: …`) followed by tabbed
//    lines opens a table; unit lines set its unit, other caption lines are notes, text outside
//    tables becomes note diagnostics.
// 3. TableAssembly: the leading rows that hold only labels are the header; later rows equal to
//    a header row are repeated headers and merged away; blank lines are breaks, not table ends.
//    FormSections first cuts a form (key–value rows, blocks with headers of their own) into
//    sections, each assembled as a table of its own (`预算13表`, `预算13表-2`).
// 4. AlignmentRepair: column profiles (empty share, value shapes, closed value sets) decide
//    where a row that lost empty cells (page break, mid-row) belongs; each move is a Repair.
// 5. HeaderTree: labels span right within their parent and down over empty cells; group bounds
//    follow the level below (a group opens with its 小计/合计/总数) and the data's sums.
// 6. Cells are typed exactly by CellTyping (identifiers under 编码/代码 stay text), rows get
//    their kind from their label (合计 → total, 小计 → subtotal), and the options apply
//    (TableOptions: fill-down, split codes, unit conversion).

import TableModel

/// How the text reader treats what it reads.
public struct TextReadOptions: Hashable, Sendable {
    /// Realign rows that lost empty cells and place centred group labels where their groups
    /// begin (`--no-repair` turns it off: rows stay as read, with a warning where they don't fit).
    public var repair: Bool
    /// Keep cells, labels and titles exactly as extracted (`--raw-text`): no trimming, no removal
    /// of wrap spaces.
    public var rawText: Bool
    /// Split code-name columns (`2010350-事业运行`) into a code and a name column (`--split-codes`).
    public var splitCodes: Bool
    /// Convert amounts to this unit (`--unit 元`), exactly; `nil` keeps the printed unit.
    public var targetUnit: String?
    /// In block-structured tables, repeat a block's values on each of its rows (`--fill-down`).
    public var fillDown: Bool
    /// Read `(4.7)` as text rather than as the negative number −4.7 (`--parens text`).
    public var parenthesesAsText: Bool
    /// Tab-separated or space-aligned text; `.automatic` tells them apart.
    public var layout: TextLayout = .automatic
    /// Column starts given by hand for space-aligned text (`--columns`).
    public var columnOverride: ColumnOverride?

    public init(repair: Bool = true, rawText: Bool = false, splitCodes: Bool = false, targetUnit: String? = nil,
                fillDown: Bool = false, parenthesesAsText: Bool = false) {
        self.repair = repair
        self.rawText = rawText
        self.splitCodes = splitCodes
        self.targetUnit = targetUnit
        self.fillDown = fillDown
        self.parenthesesAsText = parenthesesAsText
    }
}

/// The reader of text extracted from PDFs.
public enum TextTables {
    /// The format name this reader gives its documents' source.
    public static let formatName = "text"

    /// Reads the tables of tab-separated text extracted from a PDF.
    ///
    /// - Parameters:
    ///   - bytes: the whole file (UTF-8 with or without BOM, UTF-16 with BOM, or GB18030).
    ///   - name: the file name, for the document's source and for errors.
    /// - Throws: `FormatError` (with `file` set to `name`) for undecodable bytes, or for a
    ///   `targetUnit` that a table's unit cannot be converted to.
    public static func read(_ bytes: [UInt8], name: String, options: TextReadOptions = .init()) throws -> Document {
        let facts = CellFacts()
        let (lines, layoutDiagnostics, layoutBlocks) = try splitLines(bytes, name: name, options: options, facts: facts)
        var document = Document(source: SourceInfo(name: name, format: formatName))
        var diagnostics: [Diagnostic] = layoutDiagnostics
        let regions = Segmentation(rawText: options.rawText).regions(of: lines, diagnostics: &diagnostics)
        var numberOptions = ExactDecimal.ParseOptions.lenient
        numberOptions.allowsParenthesesNegative = !options.parenthesesAsText
        let assembler = TableAssembler(options: options, typing: CellTyping(numberOptions: numberOptions), facts: facts)
        // A form is read as one table per section (FormSections); other regions as they are.
        // Sections are found in tab text only: in space-aligned text a page's repeated or
        // re-wrapped header lines would pass for a new section's header.
        let sections = regions.enumerated().flatMap { index, region in
            layoutBlocks.isEmpty
                ? assembler.formSections(of: region, ordinal: index + 1, diagnostics: &diagnostics).map { (index + 1, $0) }
                : [(index + 1, region)]
        }
        for (ordinal, region) in sections {
            var table = assembler.assemble(region, ordinal: ordinal, diagnostics: &diagnostics)
            if options.fillDown { TableTransforms.fillDown(&table) }
            if options.splitCodes { TableTransforms.splitCodes(&table) }
            TableTransforms.assignColumnTypes(&table)
            if let target = options.targetUnit {
                do {
                    if try !TableTransforms.convertUnit(&table, to: target, unitLine: region.unitLine) {
                        diagnostics.append(Diagnostic(.warning, line: table.head.line,
                                                      "table \(table.id) states no unit; its amounts are left as printed"))
                    }
                } catch let error as FormatError {
                    throw error.inFile(name)
                }
            }
            document.tables.append(table)
        }
        if document.tables.isEmpty {
            diagnostics.append(Diagnostic(.warning, "no tables found: no caption followed by tab-separated or aligned lines"))
        }
        // In line order; the sort is made stable by the original order.
        document.diagnostics = diagnostics.enumerated()
            .sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
        return document
    }

    /// The columns found in space-aligned text, block by block (empty for tab-separated text):
    /// what `tabconv list --layout` shows so that a user can correct them with `--columns`.
    public static func layoutBlocks(_ bytes: [UInt8], name: String, options: TextReadOptions = .init()) throws -> [LayoutBlock] {
        try splitLines(bytes, name: name, options: options, facts: CellFacts()).blocks
    }

    /// Decodes the bytes and cuts them into lines of cells, by tabs (their cells numbered in
    /// `facts`) or by aligned spaces.
    private static func splitLines(_ bytes: [UInt8], name: String, options: TextReadOptions, facts: CellFacts) throws
        -> (lines: [TextLine], diagnostics: [Diagnostic], blocks: [LayoutBlock]) {
        let utf8: [UInt8]
        do {
            utf8 = try TextDecoding.decodeToUTF8(bytes).utf8
        } catch let error as FormatError {
            throw error.inFile(name)
        }
        let ranges = lineRanges(of: utf8)
        let spaced: Bool
        switch options.layout {
        case .tabs: spaced = false
        case .spaces: spaced = true
        case .automatic: spaced = options.columnOverride != nil || LayoutSplitter.isSpaceAligned(utf8, lines: ranges)
        }
        if spaced {
            let result = LayoutSplitter(override: options.columnOverride).split(utf8, lines: ranges, rawText: options.rawText)
            return (result.lines, result.diagnostics, result.blocks)
        }
        return (TabSplitter().lines(of: utf8, lines: ranges, facts: facts), [], [])
    }
}
