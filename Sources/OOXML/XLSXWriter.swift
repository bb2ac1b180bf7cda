import TableModel
import XMLStream
import ZipArchive

/// How `XLSXWriter` writes a workbook.
public struct XLSXWriteOptions: Hashable, Sendable {
    /// When a number is written as a numeric cell.
    public enum Numbers: String, Hashable, Sendable {
        /// When a spreadsheet shows it exactly: at most 15 significant digits (a double's
        /// precision). A longer value is written as text, with a warning naming the cell.
        case exact
        /// Always, even when a spreadsheet will show it rounded (`--xlsx-numbers always`).
        case always
    }

    public var numbers: Numbers
    /// The deflate level of every part, 0 (none) to 9 (smallest). The default, 1, deflates sheet
    /// XML about three times faster than zlib's usual 6 for a file about a fifth larger (a million
    /// budget rows: 109 MB instead of 90 MB); deflate is the largest cost of writing a workbook.
    public var compressionLevel: Int
    /// Deflates on a second thread while the sheet XML is produced (the same bytes; a million
    /// budget rows take 3.5 s instead of 5.7 s on two cores).
    public var deflatesInBackground: Bool
    /// Writes ZIP64 records for every entry even when nothing needs them (for tests; LibreOffice
    /// before 7.6 cannot open such a file). Without it, ZIP64 records appear only where a sheet
    /// passes 4 GiB.
    public var forcesZIP64: Bool
    /// Writes the caption, unit and notes above the header (off: the header starts at row 1, as
    /// for a plain CSV table that has no caption).
    public var writesCaptionRows: Bool
    /// How many rows of each table are held to size its columns before its cells are streamed.
    public var widthSampleRowCount: Int
    /// The widest a column is made, in character widths (wider text wraps).
    public var maximumColumnWidth: Int

    public init(numbers: Numbers = .exact, compressionLevel: Int = 1, deflatesInBackground: Bool = true,
                forcesZIP64: Bool = false, writesCaptionRows: Bool = true, widthSampleRowCount: Int = 1000,
                maximumColumnWidth: Int = 60) {
        self.numbers = numbers
        self.compressionLevel = compressionLevel
        self.deflatesInBackground = deflatesInBackground
        self.forcesZIP64 = forcesZIP64
        self.writesCaptionRows = writesCaptionRows
        self.widthSampleRowCount = max(widthSampleRowCount, 1)
        self.maximumColumnWidth = max(maximumColumnWidth, 8)
    }
}

/// Writes tables as an XLSX workbook, one worksheet per table, streaming rows as they come.
///
/// Each sheet is laid out as an analyst would: the caption (`预算01表 收支总表`) merged across the
/// table, the unit (`金额单位：万元`) and notes below it, the header tree as bordered, bold, merged
/// cells exactly as the head's spans say, frozen panes under the header, then the rows: numbers as
/// numeric cells showing their scale (`#,##0.000000`), text as inline strings, totals and
/// subtotals bold, columns sized from content (CJK counts double) and text wider than its column
/// wrapped. Memory is bounded by the width sample (`XLSXWriteOptions.widthSampleRowCount` rows).
///
/// ```swift
/// let writer = XLSXWriter(output: fileSink)
/// try DocumentSource(document).transfer(to: writer)
/// for warning in writer.diagnostics { print(warning) }
/// ```
///
/// Errors are `FormatError`s naming the sheet and cell: more rows or columns than a worksheet has,
/// or a text longer than 32,767 characters (never truncated silently). On an error the output is
/// incomplete; the caller discards it.
public final class XLSXWriter: TableSink {
    /// What the writer had to say: numbers written as text, header labels it could not place.
    public private(set) var diagnostics: [Diagnostic] = []
    /// The names of the sheets written so far, in order.
    public var sheetNames: [String] { sheets.map(\.name) }

    private struct WrittenSheet {
        var name: String
        var partName: String
        /// 1-based rows of the header, repeated on printed pages.
        var headerRows: ClosedRange<Int>?
    }

    private let options: XLSXWriteOptions
    private let zip: ZipWriter
    private let styles = StyleSheet()
    private var namer = SheetNamer()
    private var sheets: [WrittenSheet] = []
    private var openSheet: SheetEncoder?
    private var openHeaderRowCount = 0
    private var started = false
    private var ended = false
    private var numbersWrittenAsText = 0

    /// At most this many numbers-as-text warnings are kept one by one; the rest are counted.
    private static let numberWarningLimit = 100

    /// A writer sending the workbook's bytes to `output`.
    public init(output: ByteSink, options: XLSXWriteOptions = .init()) {
        self.options = options
        self.zip = ZipWriter(output: output, zip64: options.forcesZIP64 ? .always : .automatic,
                             deflatesInBackground: options.deflatesInBackground)
    }

    // MARK: TableSink

    public func begin(source: SourceInfo) throws {
        guard !started else { return }
        started = true
        try writePackageParts()
    }

    public func beginTable(_ head: TableHead) throws {
        try begin(source: SourceInfo(name: "", format: ""))
        if openSheet != nil { try endTable(repairs: []) }
        let name = namer.name(for: head, sheetNumber: sheets.count + 1)
        openSheet = try SheetEncoder(
            head: head, sheetName: name, sheetNumber: sheets.count + 1, zip: zip, styles: styles, options: options,
            report: { [unowned self] in diagnostics.append($0) },
            reportNumberAsText: { [unowned self] in
                numbersWrittenAsText += 1
                if numbersWrittenAsText <= Self.numberWarningLimit { diagnostics.append($0) }
            })
        openHeaderRowCount = head.header.count
    }

    public func write(_ row: Row) throws {
        guard let openSheet else { throw FormatError("a row came before its table's head") }
        try openSheet.write(row)
    }

    public func endTable(repairs: [Repair]) throws {
        guard let sheet = openSheet else { return }
        try sheet.finish()
        let frozen = sheet.frozenRowCount
        let headerRows = openHeaderRowCount > 0 ? (frozen - openHeaderRowCount + 1)...frozen : nil
        sheets.append(WrittenSheet(name: sheet.sheetName, partName: sheet.partName, headerRows: headerRows))
        openSheet = nil
    }

    public func end(diagnostics readerDiagnostics: [Diagnostic]) throws {
        guard !ended else { return }
        ended = true
        try begin(source: SourceInfo(name: "", format: ""))
        try endTable(repairs: [])
        if sheets.isEmpty {
            // A workbook needs a sheet.
            diagnostics.append(Diagnostic(.warning, "no tables to write: the workbook has one empty sheet"))
            try beginTable(TableHead(id: ""))
            try endTable(repairs: [])
        }
        if numbersWrittenAsText > Self.numberWarningLimit {
            diagnostics.append(Diagnostic(.warning, "\(numbersWrittenAsText - Self.numberWarningLimit) more numbers "
                                          + "with over 15 significant digits were written as text"))
        }
        try writeWorkbookParts()
        try zip.finish()
    }

    // MARK: Parts

    /// The parts known before any table: content types, package relationships, properties.
    /// Worksheets take their content type from the `xml` default, so the list is complete before
    /// the number of sheets is known and can open the package, where file-type sniffers look.
    private func writePackageParts() throws {
        try addPart("[Content_Types].xml") { xml in
            try xml.startElement("Types", attributes: ["xmlns": OOXMLNamespace.contentTypes])
            try xml.emptyElement("Default", attributes: ["Extension": "rels", "ContentType": OOXMLPartType.relationships])
            try xml.emptyElement("Default", attributes: ["Extension": "xml", "ContentType": OOXMLPartType.worksheet])
            for (part, type) in [("/xl/workbook.xml", OOXMLPartType.workbook), ("/xl/styles.xml", OOXMLPartType.styles),
                                 ("/docProps/core.xml", OOXMLPartType.coreProperties),
                                 ("/docProps/app.xml", OOXMLPartType.extendedProperties)] {
                try xml.emptyElement("Override", attributes: ["PartName": part, "ContentType": type])
            }
            try xml.endElement()
        }
        try addPart("_rels/.rels") { xml in
            try xml.startElement("Relationships", attributes: ["xmlns": OOXMLNamespace.packageRelationships])
            for (id, type, target) in [("rId1", OOXMLPartType.officeDocumentRelationship, "xl/workbook.xml"),
                                       ("rId2", OOXMLPartType.coreRelationship, "docProps/core.xml"),
                                       ("rId3", OOXMLPartType.extendedRelationship, "docProps/app.xml")] {
                try xml.emptyElement("Relationship", attributes: ["Id": id, "Type": type, "Target": target])
            }
            try xml.endElement()
        }
        // No dates: the same tables give the same bytes.
        try addPart("docProps/core.xml") { xml in
            try xml.startElement("cp:coreProperties", attributes: ["xmlns:cp": OOXMLNamespace.coreProperties,
                                                                   "xmlns:dc": OOXMLNamespace.dublinCore])
            try xml.element("dc:creator", text: "tabconv")
            try xml.endElement()
        }
        try addPart("docProps/app.xml") { xml in
            try xml.startElement("Properties", attributes: ["xmlns": OOXMLNamespace.extendedProperties])
            try xml.element("Application", text: "tabconv")
            try xml.endElement()
        }
    }

    /// The parts that list the sheets or the styles they used.
    private func writeWorkbookParts() throws {
        try addPart("xl/workbook.xml") { xml in
            try xml.startElement("workbook", attributes: ["xmlns": OOXMLNamespace.spreadsheetML,
                                                          "xmlns:r": OOXMLNamespace.officeDocumentRelationships])
            try xml.startElement("bookViews")
            try xml.emptyElement("workbookView")
            try xml.endElement()
            try xml.startElement("sheets")
            for (index, sheet) in sheets.enumerated() {
                try xml.emptyElement("sheet", attributes: ["name": sheet.name, "sheetId": String(index + 1),
                                                           "r:id": "rId\(index + 1)"])
            }
            try xml.endElement()
            let printTitles = sheets.enumerated().compactMap { index, sheet in sheet.headerRows.map { (index, sheet.name, $0) } }
            if !printTitles.isEmpty {
                try xml.startElement("definedNames")
                for (index, name, rows) in printTitles {
                    let quoted = "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
                    try xml.element("definedName", attributes: ["name": "_xlnm.Print_Titles", "localSheetId": String(index)],
                                    text: "\(quoted)!$\(rows.lowerBound):$\(rows.upperBound)")
                }
                try xml.endElement()
            }
            try xml.endElement()
        }
        try addPart("xl/_rels/workbook.xml.rels") { xml in
            try xml.startElement("Relationships", attributes: ["xmlns": OOXMLNamespace.packageRelationships])
            for (index, sheet) in sheets.enumerated() {
                try xml.emptyElement("Relationship", attributes: [
                    "Id": "rId\(index + 1)", "Type": OOXMLPartType.worksheetRelationship,
                    "Target": String(sheet.partName.dropFirst("xl/".count)),
                ])
            }
            try xml.emptyElement("Relationship", attributes: ["Id": "rId\(sheets.count + 1)",
                                                              "Type": OOXMLPartType.stylesRelationship,
                                                              "Target": "styles.xml"])
            try xml.endElement()
        }
        try zip.beginEntry("xl/styles.xml", compressionLevel: options.compressionLevel)
        try styles.write(to: zip)
        try zip.endEntry()
    }

    /// Writes one small XML part as a ZIP entry.
    private func addPart(_ name: String, _ build: (XMLWriter) throws -> Void) throws {
        try zip.beginEntry(name, compressionLevel: options.compressionLevel)
        let xml = XMLWriter(output: zip)
        try xml.declaration()
        try build(xml)
        try xml.finish()
        try zip.endEntry()
    }
}

extension XLSXWriter {
    /// Makes sheet names Excel accepts: at most 31 characters (UTF-16 units), none of `[]:*?/\`,
    /// no leading or trailing apostrophe, not `History`, and unique ignoring case.
    struct SheetNamer {
        static let maximumLength = 31
        private var used: Set<String> = ["history"]

        /// A name for the table: its caption (`预算01表 收支总表`), shortened to fit; `Sheet3` when
        /// it has none; a ` (2)` suffix when the name is taken.
        mutating func name(for head: TableHead, sheetNumber: Int) -> String {
            var base = Self.clean(head.caption)
            if base.isEmpty { base = "Sheet\(sheetNumber)" }
            var candidate = Self.truncated(base, to: Self.maximumLength)
            var suffixNumber = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(suffixNumber))"
                candidate = Self.truncated(base, to: Self.maximumLength - suffix.utf16.count) + suffix
                suffixNumber += 1
            }
            used.insert(candidate.lowercased())
            return candidate
        }

        /// The text with forbidden characters replaced by `_`, control characters by spaces,
        /// runs of whitespace collapsed and the ends trimmed of spaces and apostrophes.
        static func clean(_ text: String) -> String {
            var result = ""
            var pendingSpace = false
            for character in text {
                if character.isWhitespace || character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    pendingSpace = !result.isEmpty
                    continue
                }
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append("[]:*?/\\".contains(character) ? "_" : character)
            }
            return trimmed(result)
        }

        /// The longest prefix of whole characters within `limit` UTF-16 units, trimmed.
        static func truncated(_ text: String, to limit: Int) -> String {
            var result = ""
            var length = 0
            for character in text {
                let units = character.utf16.count
                if length + units > limit { break }
                result.append(character)
                length += units
            }
            return trimmed(result)
        }

        private static func trimmed(_ text: String) -> String {
            var characters = Substring(text)
            while let first = characters.first, first == "'" || first == " " { characters.removeFirst() }
            while let last = characters.last, last == "'" || last == " " { characters.removeLast() }
            return String(characters)
        }
    }
}
