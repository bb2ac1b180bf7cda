// XLSX reading. The package is opened with `ZipReader`; the sheet list comes from
// `xl/workbook.xml` and its relationships (Transitional and Strict namespaces, relative and
// absolute targets), never from file names. Shared strings (one byte buffer) and cell styles'
// number formats are read once. Each worksheet then streams. A large part takes three threads:
// one inflates (`ZipReadAhead`), one runs libxml2's SAX2 parser, whose callbacks only record
// each cell's column, type, style and value bytes into flat batches (`XLSXSheetRecorder`), and
// the caller's thread makes exact cells from the batches (`XLSXCellBuilder`) and writes them
// on. A small part is parsed on the caller's thread. The reader holds a few batches and the
// rows not yet handed out.
//
// Merged cells are listed after `<sheetData>`, so a stream sees them last. The reader buffers
// the first `lookaheadRows` rows: a sheet that ends within them (most sheets) is known whole
// before its head is made, merges included, so merged top rows become the header tree. For a
// longer sheet the first row is the header unless `headerRows` says otherwise, a warning says
// when merges found later touched the top rows, and `fillDown` costs one extra pass over the
// sheet to find the merges first.
//
// Rows above the header that are each one merged cell across the table are read as the text
// reader reads the lines above a table (`TableLabels`): the first is the caption (`预算05表 一般
// 公共预算支出表` gives the id and the title; other text is the title), a unit line
// (`金额单位：万元`) gives the unit, the others are notes. A row's kind (total, subtotal) comes from
// its first label that is no number (`合 计`), by the same rules.
//
// Values: numbers keep the scale their format shows (`0.000000` → `9885.752630`) without losing
// stored digits (only binary noise past 15 significant digits is rounded off), `General`
// keeps the stored digits (exponents expanded as text), dates become ISO 8601 text (1900 system
// with its fictitious 1900-02-29, or 1904), booleans `TRUE`/`FALSE`, errors as `#DIV/0!` text.

import TableModel
import XMLStream
import ZipArchive

/// How `XLSXReader` reads a workbook.
public struct XLSXReadOptions: Sendable {
    /// The one sheet to read: its name, or its 1-based position when no sheet has that name.
    /// Nil reads every worksheet in tab order.
    public var sheet: String?
    /// Rows at the top of each sheet that form the header. Nil: the rows covered by merged
    /// cells that start in the first row (and the row of labels under a horizontal merge), or
    /// the first row when the top has no merges. 0: no header (columns are named A, B, …).
    public var headerRows: Int?
    /// Copies a merged range's value into every cell it covers in data rows.
    public var fillDown: Bool
    /// Rows read ahead before a sheet's head is made (column widths, types, merges).
    public var lookaheadRows: Int
    /// Inflates and parses large sheets on two more threads while the caller's thread makes
    /// the cells (and whatever it does with the rows).
    public var readsInBackground: Bool
    /// Sheets whose part inflates to fewer bytes than this are read on the caller's thread.
    public var backgroundMinimumSize: Int
    public var zipLimits: ZipReadLimits
    public var xmlLimits: XMLReadLimits

    public init(sheet: String? = nil, headerRows: Int? = nil, fillDown: Bool = false, lookaheadRows: Int = 1_000,
                readsInBackground: Bool = true, backgroundMinimumSize: Int = 1 << 20,
                zipLimits: ZipReadLimits = .init(), xmlLimits: XMLReadLimits = .init()) {
        self.sheet = sheet
        self.headerRows = headerRows
        self.fillDown = fillDown
        self.lookaheadRows = lookaheadRows
        self.readsInBackground = readsInBackground
        self.backgroundMinimumSize = backgroundMinimumSize
        self.zipLimits = zipLimits
        self.xmlLimits = xmlLimits
    }
}

/// Reads an XLSX/XLSM workbook as one table per worksheet, streaming each sheet's rows.
///
/// ```swift
/// let reader = try XLSXReader(path: "report.xlsx", name: "report.xlsx")
/// while let head = try reader.nextTable() {
///     while let row = try reader.nextRow() { … }
/// }
/// ```
/// Errors are `FormatError`s whose place is the ZIP entry (`xl/worksheets/sheet1.xml`) and whose
/// message starts with the cell (`Sheet1!B7`) when one is known.
public final class XLSXReader: TableSource {
    public let source: SourceInfo
    /// Every sheet the workbook lists, in tab order.
    public let sheets: [XLSXSheetInfo]
    public private(set) var repairs: [Repair] = []
    public private(set) var diagnostics: [Diagnostic] = []
    /// Bytes the shared string table takes in memory.
    public var sharedStringMemory: Int { sharedStrings.memorySize }

    private let zip: ZipReader
    private let options: XLSXReadOptions
    private let sharedStrings: XLSXSharedStrings
    private let displays: [XLSXNumberDisplay]
    private let uses1904: Bool
    private let selectedSheets: [Int]
    private var nextSheetPosition = 0
    private var current: XLSXSheetStream?

    /// Opens the workbook at `path`; `name` is how messages and `source` name it.
    public convenience init(path: String, name: String, options: XLSXReadOptions = .init()) throws {
        let zip: ZipReader
        do { zip = try ZipReader(path: path, limits: options.zipLimits) } catch let error as ZipReadError {
            throw FormatError(file: name, place: error.entry, error.message)
        }
        try self.init(zip: zip, name: name, options: options)
    }

    /// Reads a workbook held in memory.
    public convenience init(bytes: [UInt8], name: String, options: XLSXReadOptions = .init()) throws {
        let zip: ZipReader
        do { zip = try ZipReader(bytes: bytes, limits: options.zipLimits) } catch let error as ZipReadError {
            throw FormatError(file: name, place: error.entry, error.message)
        }
        try self.init(zip: zip, name: name, options: options)
    }

    private init(zip: ZipReader, name: String, options: XLSXReadOptions) throws {
        self.zip = zip
        self.options = options
        self.source = SourceInfo(name: name, format: "xlsx")
        do {
            let workbookPart = try XLSXReader.workbookPart(in: zip, limits: options.xmlLimits)
            if workbookPart.lowercased().hasSuffix(".bin") {
                throw FormatError(place: workbookPart, "an XLSB (binary) workbook; tabconv reads XLSX and XLSM")
            }
            let workbook = XLSXWorkbookHandler()
            try XLSXParts.parse(workbookPart, in: zip, with: workbook, limits: options.xmlLimits)
            uses1904 = workbook.uses1904

            let relationshipsPart = XLSXParts.relationshipsPart(of: workbookPart)
            var relationships: [XLSXRelationship] = []
            if zip.findEntry(relationshipsPart) != nil {
                let handler = XLSXRelationshipsHandler(source: workbookPart)
                try XLSXParts.parse(relationshipsPart, in: zip, with: handler, limits: options.xmlLimits)
                relationships = handler.relationships.filter { !$0.isExternal }
            }
            let byId = Dictionary(relationships.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let folder = workbookPart.split(separator: "/").dropLast().joined(separator: "/")
            var sheets: [XLSXSheetInfo] = []
            for (position, listed) in workbook.sheets.enumerated() {
                var part: String?
                if let id = listed.relationshipId, let relationship = byId[id] {
                    part = relationship.kind == "worksheet" ? relationship.part : nil
                } else {
                    // No relationship: the conventional name, if the package has it.
                    let guess = (folder.isEmpty ? "" : folder + "/") + "worksheets/sheet\(position + 1).xml"
                    part = zip.findEntry(guess) != nil ? guess : nil
                }
                if let found = part, let entry = zip.findEntry(found) { part = entry.name }
                sheets.append(XLSXSheetInfo(name: listed.name, state: listed.state, part: part))
            }
            self.sheets = sheets

            let stylesPart = relationships.first { $0.kind == "styles" }?.part
            if let stylesPart, zip.findEntry(stylesPart) != nil {
                let styles = XLSXStylesHandler()
                try XLSXParts.parse(stylesPart, in: zip, with: styles, limits: options.xmlLimits)
                displays = styles.displays
            } else {
                displays = []
            }
            let stringsPart = relationships.first { $0.kind == "sharedStrings" }?.part
                ?? (folder.isEmpty ? "" : folder + "/") + "sharedStrings.xml"
            if zip.findEntry(stringsPart) != nil {
                let strings = XLSXSharedStringsHandler()
                try XLSXParts.parse(stringsPart, in: zip, with: strings, limits: options.xmlLimits)
                sharedStrings = strings.strings
            } else {
                sharedStrings = XLSXSharedStrings()
            }
            selectedSheets = try XLSXReader.select(options.sheet, from: sheets)
        } catch let error as FormatError {
            throw error.inFile(name)
        }
    }

    /// The main part named by `_rels/.rels` (`xl/workbook.xml` by convention).
    private static func workbookPart(in zip: ZipReader, limits: XMLReadLimits) throws -> String {
        if zip.findEntry("_rels/.rels") != nil {
            let handler = XLSXRelationshipsHandler(source: "")
            try XLSXParts.parse("_rels/.rels", in: zip, with: handler, limits: limits)
            if let main = handler.relationships.first(where: { $0.kind == "officeDocument" && !$0.isExternal }),
               let entry = zip.findEntry(main.part) {
                return entry.name
            }
        }
        for candidate in ["xl/workbook.xml", "xl/workbook.bin"] {
            if let entry = zip.findEntry(candidate) { return entry.name }
        }
        if zip.findEntry("content.xml") != nil {
            throw FormatError("an OpenDocument file (ODS/ODT), not an XLSX workbook")
        }
        if zip.findEntry("word/document.xml") != nil {
            throw FormatError("a Word document (DOCX), not an XLSX workbook")
        }
        throw FormatError("a ZIP archive without a workbook part (xl/workbook.xml): not an XLSX file")
    }

    private static func select(_ wanted: String?, from sheets: [XLSXSheetInfo]) throws -> [Int] {
        guard let wanted else { return Array(sheets.indices) }
        if let exact = sheets.firstIndex(where: { $0.name == wanted }) { return [exact] }
        if let folded = sheets.firstIndex(where: { $0.name.lowercased() == wanted.lowercased() }) { return [folded] }
        if let number = Int(wanted), number >= 1, number <= sheets.count { return [number - 1] }
        let names = sheets.map { "'\($0.name)'" }.joined(separator: ", ")
        throw FormatError("no sheet '\(wanted)': the workbook has \(sheets.count) sheet\(sheets.count == 1 ? "" : "s") (\(names))")
    }

    public func nextTable() throws -> TableHead? {
        current = nil
        repairs = []
        while nextSheetPosition < selectedSheets.count {
            let info = sheets[selectedSheets[nextSheetPosition]]
            nextSheetPosition += 1
            guard let part = info.part, let entry = zip.findEntry(part) else {
                diagnostics.append(Diagnostic(.note, place: info.name, "sheet '\(info.name)' has no worksheet data (a chart sheet or a missing part); skipped"))
                continue
            }
            do {
                let stream = try XLSXSheetStream(zip: zip, entry: entry, info: info, options: options,
                                                 sharedStrings: sharedStrings, displays: displays, uses1904: uses1904)
                let head = try stream.makeHead()
                current = stream
                return head
            } catch let error as FormatError {
                throw error.inFile(source.name)
            }
        }
        return nil
    }

    public func nextRow() throws -> Row? {
        guard let current else { return nil }
        do {
            if let row = try current.nextRow() { return row }
            diagnostics.append(contentsOf: current.diagnostics)
            self.current = nil
            return nil
        } catch let error as FormatError {
            throw error.inFile(source.name)
        }
    }
}

/// One worksheet being streamed: its rows and the rows held back for the head.
final class XLSXSheetStream {
    private let info: XLSXSheetInfo
    private let part: String
    private let options: XLSXReadOptions
    private let zip: ZipReader
    private let entry: ZipEntry
    private let sheet: XLSXSheetRows
    private var finished: Bool { sheet.finished }
    private(set) var diagnostics: [Diagnostic] = []

    // Decided by the head.
    private var firstColumn = 0
    private var width = 0
    private var headerRowCount = 0
    private var tableTopRow = 0
    private var mergesKnown = false
    private var merges: [XLSXMergedRange] = []
    private var mergeValues: [Int: Cell] = [:]

    // Emission state.
    private var lastRowNumber: Int?
    private var gapRowsLeft = 0
    private var heldRow: XLSXSheetRows.BufferedRow?
    private var warnedOverflow = false

    init(zip: ZipReader, entry: ZipEntry, info: XLSXSheetInfo, options: XLSXReadOptions,
         sharedStrings: XLSXSharedStrings, displays: [XLSXNumberDisplay], uses1904: Bool) throws {
        self.info = info
        self.part = entry.name
        self.options = options
        self.zip = zip
        self.entry = entry
        sheet = try XLSXSheetRows(zip: zip, entry: entry, sheetName: info.name, options: options,
                                  sharedStrings: sharedStrings, displays: displays, uses1904: uses1904)
    }

    // MARK: Head

    func makeHead() throws -> TableHead {
        while !finished && sheet.queuedRowCount < max(options.lookaheadRows, 1) { try sheet.readMore() }
        mergesKnown = finished
        merges = sheet.merges
        if !mergesKnown && options.fillDown {
            merges = try prescanMerges()
            mergesKnown = true
        }
        let buffered = sheet.queuedRows
        var first = sheet.firstUsedColumn
        var last = sheet.lastUsedColumn
        if !finished, let dimension = sheet.dimension {
            first = min(first, dimension.left)
            last = max(last, dimension.right)
        }
        for merge in merges where buffered.contains(where: { $0.number - 1 >= merge.top && $0.number - 1 <= merge.bottom }) {
            first = min(first, merge.left)
            last = max(last, merge.right)
        }
        if last < first { first = 0; last = -1 }
        firstColumn = first
        width = last - first + 1
        tableTopRow = (buffered.first?.number ?? 1) - 1

        var head = TableHead(id: info.name, line: buffered.first?.number)
        if info.state != .visible { head.notes.append(info.state == .hidden ? "hidden sheet" : "very hidden sheet") }

        // The preamble: top rows that are each one merged cell across the whole table and
        // nothing else (a caption, a unit line, notes), above the header.
        var headerStart = tableTopRow
        if options.headerRows == nil {
            var preambleRows = 0
            while let top = sheet.queuedRows.first, sheet.queuedRowCount > 1,
                  let (text, bottom) = spanningText(top, last: last) {
                readPreambleRow(text, isFirst: preambleRows == 0, into: &head)
                preambleRows += 1
                headerStart = bottom + 1
                while let row = sheet.queuedRows.first, row.number - 1 < headerStart { _ = sheet.takeRow() }
            }
            if preambleRows > 0 {
                tableTopRow = sheet.queuedRows.first.map { $0.number - 1 } ?? headerStart
                headerStart = tableTopRow
            }
        }

        headerRowCount = options.headerRows ?? headerRowsFromMerges(top: headerStart)
        let headerRows = takeHeaderRows(count: headerRowCount, top: headerStart)
        head.header = headerTree(headerRows, top: headerStart)
        head.columns = columns(header: head.header)
        return head
    }

    /// The text and the last row of a row that is one merged cell across the table's columns (up
    /// to `last`) and nothing else, or nil.
    private func spanningText(_ row: XLSXSheetRows.BufferedRow, last: Int) -> (text: String, bottom: Int)? {
        let index = row.number - 1
        guard let merge = merges.first(where: { $0.top == index && $0.left <= firstColumn && $0.right >= last && $0.right > $0.left }),
              row.cells.indices.allSatisfy({ row.cells[$0].isEmpty || merge.contains(row: index, column: $0) }) else { return nil }
        return (row.cells[safe: merge.left]?.plainText ?? "", merge.bottom)
    }

    /// What a preamble row says, by the rules the text reader applies to the lines above a
    /// table (`TableLabels`): the first row is the caption (`预算05表 一般公共预算支出表` gives
    /// the id and the title; other text is the title and the sheet name stays the id, and a
    /// title that only repeats the sheet name adds nothing); the first unit line
    /// (`金额单位：万元`) gives the unit; other rows are notes.
    private func readPreambleRow(_ text: String, isFirst: Bool, into head: inout TableHead) {
        if head.unit == nil, let (_, unit) = TableLabels.unit(text) {
            head.unit = unit
        } else if isFirst, let caption = TableLabels.caption(text) {
            head.id = caption.id
            head.title = caption.title
        } else if isFirst {
            if text != info.name { head.title = text }
        } else if !text.isEmpty {
            head.notes.append(text)
        }
    }

    /// The header's height from the merges that start in its top row: every merge starting
    /// within the band extends it to its bottom, and a merge spanning columns brings the row of
    /// labels under it. Without merges at the top, one row.
    private func headerRowsFromMerges(top: Int) -> Int {
        guard sheet.queuedRowCount > 0 else { return 0 }
        var height = 1
        var changed = true
        while changed {
            changed = false
            for merge in merges where merge.top >= top && merge.top < top + height {
                var bottom = merge.bottom - top + 1
                if merge.right > merge.left { bottom += 1 }
                if bottom > height {
                    height = bottom
                    changed = true
                }
            }
        }
        let lastBuffered = (sheet.queuedRows.last?.number ?? top + 1) - 1
        return max(1, min(height, lastBuffered - top + 1))
    }

    /// Takes the buffered rows that fall in the header band, as a map from 0-based row to cells.
    private func takeHeaderRows(count: Int, top: Int) -> [Int: [Cell]] {
        var result: [Int: [Cell]] = [:]
        while let row = sheet.queuedRows.first, row.number - 1 < top + count {
            result[row.number - 1] = row.cells
            _ = sheet.takeRow()
        }
        if count > 0 { lastRowNumber = top + count }
        return result
    }

    private func headerTree(_ rows: [Int: [Cell]], top: Int) -> [[HeaderCell]] {
        var tree: [[HeaderCell]] = []
        for offset in 0..<headerRowCount {
            let row = top + offset
            var cells: [HeaderCell] = []
            var column = firstColumn
            while column < firstColumn + width {
                if let merge = merges.first(where: { $0.contains(row: row, column: column) }) {
                    if merge.top == row || (merge.top < top && row == top) {
                        let text = rows[merge.top]?[safe: merge.left]?.plainText ?? rows[row]?[safe: merge.left]?.plainText ?? ""
                        let right = min(merge.right, firstColumn + width - 1)
                        let bottom = min(merge.bottom, top + headerRowCount - 1)
                        cells.append(HeaderCell(text: text, column: merge.left - firstColumn, columnSpan: right - merge.left + 1,
                                                rowSpan: bottom - row + 1))
                    }
                    column = merge.right + 1
                    continue
                }
                if let cell = rows[row]?[safe: column], !cell.isEmpty {
                    cells.append(HeaderCell(text: cell.plainText, column: column - firstColumn))
                }
                column += 1
            }
            tree.append(cells)
        }
        return tree
    }

    private func columns(header: [[HeaderCell]]) -> [Column] {
        var paths = Array(repeating: [String](), count: width)
        for level in header {
            for cell in level where !cell.text.isEmpty {
                for column in cell.column..<min(cell.column + cell.columnSpan, width) { paths[column].append(cell.text) }
            }
        }
        // Types from the data rows read ahead.
        var sawNumber = Array(repeating: false, count: width)
        var sawOther = Array(repeating: false, count: width)
        for row in sheet.queuedRows {
            for index in row.cells.indices where index >= firstColumn && index < firstColumn + width {
                switch row.cells[index] {
                case .empty: break
                case .number: sawNumber[index - firstColumn] = true
                case .text: sawOther[index - firstColumn] = true
                }
            }
        }
        return (0..<width).map { index in
            let path = headerRowCount == 0 ? [CellReference.columnName(firstColumn + index)] : paths[index]
            let type: ColumnType = sawOther[index] ? .text : sawNumber[index] ? .number : .empty
            var column = Column(path: path, type: type)
            if path.isEmpty { column.name = Column.unlabelledName(at: index) }
            return column
        }
    }

    /// Reads the whole sheet once more for its merged ranges only.
    private func prescanMerges() throws -> [XLSXMergedRange] {
        let scanner = XLSXSheetRecorder(sheetName: info.name, part: part, queue: nil)
        let scanParser = XMLPushParser(delegate: scanner, limits: options.xmlLimits)
        do {
            try zip.forEachChunk(of: entry, chunkSize: 1 << 18) { try scanParser.parse($0) }
            try scanParser.finish()
        } catch let error as XMLReadError {
            throw FormatError(line: error.line, place: part, error.message)
        } catch let error as ZipReadError {
            throw FormatError(place: error.entry ?? part, error.message)
        }
        return scanner.merges
    }

    // MARK: Rows

    func nextRow() throws -> Row? {
        while true {
            if gapRowsLeft > 0, let held = heldRow {
                gapRowsLeft -= 1
                let number = held.number - gapRowsLeft - 1
                return makeRow(XLSXSheetRows.BufferedRow(number: number, cells: []))
            }
            if let held = heldRow {
                heldRow = nil
                lastRowNumber = held.number
                return makeRow(held)
            }
            if let next = sheet.takeRow() {
                if let last = lastRowNumber, next.number > last + 1 {
                    gapRowsLeft = next.number - last - 1
                }
                heldRow = next
                continue
            }
            if finished {
                if !mergesKnown && options.headerRows == nil && sheet.merges.contains(where: { $0.top <= tableTopRow + headerRowCount && $0.bottom >= tableTopRow }) {
                    diagnostics.append(Diagnostic(.warning, place: part,
                        "\(info.name): merged cells at the top of the sheet were found only after \(options.lookaheadRows) rows had been read; the first row was taken as the header (set the header rows to read them)"))
                }
                return nil
            }
            try sheet.readMore()
        }
    }

    private func makeRow(_ buffered: XLSXSheetRows.BufferedRow) -> Row {
        var cells: [Cell]
        let source = buffered.cells
        if firstColumn == 0 && source.count == width {
            cells = source
        } else {
            cells = Array(repeating: .empty, count: width)
            let end = min(source.count, firstColumn + width)
            if end > firstColumn {
                for index in firstColumn..<end { cells[index - firstColumn] = source[index] }
            }
            if source.count > firstColumn + width, source[(firstColumn + width)...].contains(where: { !$0.isEmpty }) {
                cells.append(contentsOf: source[(firstColumn + width)...])
                warnOverflow(buffered.number)
            }
            if firstColumn > 0, source.prefix(firstColumn).contains(where: { !$0.isEmpty }) {
                warnOverflow(buffered.number)
            }
        }
        if options.fillDown && !merges.isEmpty { fillMerged(&cells, row: buffered.number - 1) }
        return Row(kind: TableLabels.rowKind(cells), line: buffered.number, cells: cells)
    }

    private func warnOverflow(_ row: Int) {
        guard !warnedOverflow else { return }
        warnedOverflow = true
        diagnostics.append(Diagnostic(.warning, line: row, place: part,
            "\(info.name): row \(row) has cells outside the columns found in the first \(options.lookaheadRows) rows and the sheet's dimension; cells left of them are dropped, cells right of them are kept beyond the last column"))
    }

    private func fillMerged(_ cells: inout [Cell], row: Int) {
        for (index, merge) in merges.enumerated() where row >= merge.top && row <= merge.bottom {
            let left = merge.left - firstColumn
            guard left >= 0, left < cells.count else { continue }
            if row == merge.top { mergeValues[index] = cells[left] }
            guard let value = mergeValues[index] else { continue }
            for column in max(left, 0)...min(merge.right - firstColumn, cells.count - 1) { cells[column] = value }
            if row == merge.bottom { mergeValues[index] = nil }
        }
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { index >= 0 && index < count ? self[index] : nil }
}
