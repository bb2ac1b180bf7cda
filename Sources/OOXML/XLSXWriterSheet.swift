import TableModel
import XMLStream
import ZipArchive

extension XLSXWriter {
    /// Writes one table as one worksheet part: holds the first rows to size the columns, then
    /// streams every row into the part's ZIP entry as XML bytes.
    final class SheetEncoder {
        let sheetName: String
        let partName: String
        /// The highest row number written (1-based), 0 before any.
        private var lastRowNumber = 0

        private let head: TableHead
        private let zip: ZipWriter
        private let styles: StyleSheet
        private let options: XLSXWriteOptions
        private let isFirstSheet: Bool
        private let report: (Diagnostic) -> Void
        private let reportNumberAsText: (Diagnostic) -> Void

        /// Columns the caption and header span: the head's columns, or more if the header says so.
        private let width: Int
        private var merges: [String] = []
        /// Rows of caption, unit, notes and header: cells with the columns a wrapping label may fill
        /// (0: it does not wrap, or spans rows and so has room enough).
        private var preamble: [[(column: Int, text: String, style: Int, wrapColumns: Int)]] = []
        /// Display width (in character widths) per column, from header and sampled cells.
        private var contentWidths: [Int]
        /// Column widths as written; text wider than its column wraps.
        private var columnWidths: [Int] = []

        private var sampledRows: [Row] = []
        private var isStreaming = false
        private var buffer = RawByteBuffer(capacity: flushThreshold + (1 << 16))
        private var rowDigits: [UInt8] = []
        private var columnLetters: [[UInt8]] = []
        /// ` s="N"` by style index.
        private var styleAttributes: [[UInt8]] = []
        /// Number style indexes by `scale * 4 + grouped * 2 + bold`; -1 until first used.
        private var numberStyles: [Int] = []

        private let textStyle: Int
        private let boldTextStyle: Int
        private let wrappedTextStyle: Int
        private let boldWrappedTextStyle: Int

        private static let flushThreshold = 1 << 18

        init(head: TableHead, sheetName: String, sheetNumber: Int, zip: ZipWriter, styles: StyleSheet,
             options: XLSXWriteOptions, report: @escaping (Diagnostic) -> Void,
             reportNumberAsText: @escaping (Diagnostic) -> Void) throws {
            self.head = head
            self.sheetName = sheetName
            self.partName = "xl/worksheets/sheet\(sheetNumber).xml"
            self.zip = zip
            self.styles = styles
            self.options = options
            self.isFirstSheet = sheetNumber == 1
            self.report = report
            self.reportNumberAsText = reportNumberAsText

            var width = head.columns.count
            for row in head.header {
                for cell in row { width = max(width, cell.column + max(cell.columnSpan, 1)) }
            }
            self.width = max(width, 1)
            guard self.width <= CellReference.maximumColumns else {
                throw FormatError(place: head.caption, "the table has \(self.width) columns, more than a worksheet's "
                                  + "16,384: it cannot be written as XLSX")
            }
            contentWidths = Array(repeating: 0, count: self.width)
            textStyle = 0
            boldTextStyle = styles.index(of: CellStyle(font: .bold))
            wrappedTextStyle = styles.index(of: CellStyle(wraps: true))
            boldWrappedTextStyle = styles.index(of: CellStyle(font: .bold, wraps: true))
            layOutPreamble()
        }

        deinit {
            buffer.deallocate()
        }

        // MARK: Layout above the data

        /// Caption, unit and notes, each merged across the table; then the header tree, each
        /// label merged over the columns and rows its spans give.
        private func layOutPreamble() {
            let lastColumn = CellReference.columnName(width - 1)
            func addSpanningRow(_ text: String, style: CellStyle) {
                preamble.append([(0, text, styles.index(of: style), 0)])
                if width > 1 { merges.append("A\(preamble.count):\(lastColumn)\(preamble.count)") }
            }
            if options.writesCaptionRows {
                if !head.caption.isEmpty {
                    addSpanningRow(head.caption, style: CellStyle(font: .caption, horizontal: .center, centredVertically: true))
                }
                if let unit = head.unit, !unit.isEmpty {
                    let label = unit.unicodeScalars.contains(where: Self.isWide) ? "金额单位：" : "Unit: "
                    addSpanningRow(label + unit, style: CellStyle(horizontal: .right))
                }
                for note in head.notes where !note.isEmpty {
                    addSpanningRow(note, style: CellStyle(horizontal: .center))
                }
            }

            let headerStyle = styles.index(of: CellStyle(font: .bold, horizontal: .center, centredVertically: true,
                                                         wraps: true, bordered: true))
            let headerRowCount = head.header.count
            let firstHeaderRow = preamble.count + 1
            var occupied = Array(repeating: Array(repeating: false, count: width), count: headerRowCount)
            var anchors = Array(repeating: [Int: (text: String, wrapColumns: Int)](), count: headerRowCount)
            for (level, row) in head.header.enumerated() {
                for cell in row {
                    let columnSpan = max(cell.columnSpan, 1)
                    let rowSpan = min(max(cell.rowSpan, 1), headerRowCount - level)
                    let columns = cell.column..<(cell.column + columnSpan)
                    let rows = level..<(level + rowSpan)
                    guard cell.column >= 0, !rows.contains(where: { row in columns.contains { occupied[row][$0] } }) else {
                        report(Diagnostic(.warning, line: head.line, place: "\(sheetName) header",
                                          "header label \"\(cell.text)\" overlaps another label; left out of the sheet"))
                        continue
                    }
                    for row in rows { for column in columns { occupied[row][column] = true } }
                    anchors[level][cell.column] = (cell.text, rowSpan == 1 ? columnSpan : 0)
                    if columnSpan > 1 || rowSpan > 1 {
                        let top = CellReference(row: firstHeaderRow - 1 + level, column: cell.column)
                        let bottom = CellReference(row: firstHeaderRow - 1 + level + rowSpan - 1,
                                                   column: cell.column + columnSpan - 1)
                        merges.append("\(top):\(bottom)")
                    } else {
                        contentWidths[cell.column] = max(contentWidths[cell.column], Self.displayWidth(cell.text))
                    }
                }
            }
            for level in 0..<headerRowCount {
                // Every position gets the header style, so borders run round merged labels too.
                preamble.append((0..<width).map { column in
                    let anchor = anchors[level][column]
                    return (column, anchor?.text ?? "", headerStyle, anchor?.wrapColumns ?? 0)
                })
            }
        }

        // MARK: Rows

        func write(_ row: Row) throws {
            if isStreaming {
                try encode(row)
            } else {
                sampledRows.append(row)
                if sampledRows.count >= options.widthSampleRowCount { try startStreaming(knowsAllRows: false) }
            }
        }

        /// Ends the sheet: writes what is held, the merged ranges, and closes the ZIP entry.
        func finish() throws {
            if !isStreaming { try startStreaming(knowsAllRows: true) }
            append("</sheetData>")
            if !merges.isEmpty {
                append("<mergeCells count=\"\(merges.count)\">")
                for merge in merges { append("<mergeCell ref=\"\(merge)\"/>") }
                append("</mergeCells>")
            }
            append("<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>")
            // A table wider than a portrait page (about 90 character widths) prints landscape.
            let printedWidth = columnWidths.reduce(0) { $0 + ($1 > 0 ? $1 : 9) }
            append("<pageSetup orientation=\"\(printedWidth > 90 ? "landscape" : "portrait")\" fitToWidth=\"1\" fitToHeight=\"0\"/>")
            append("</worksheet>")
            try flush()
            try zip.endEntry()
        }

        /// The rows above the first data row (caption, unit, notes, header), frozen in the view.
        var frozenRowCount: Int { preamble.count }

        /// Sizes the columns from what was sampled, writes the sheet's start, the preamble and the
        /// sampled rows; from then on rows are encoded as they come.
        private func startStreaming(knowsAllRows: Bool) throws {
            isStreaming = true
            for row in sampledRows { measure(row) }
            columnWidths = contentWidths.map { $0 == 0 ? 0 : min(max($0, 6) + 2, options.maximumColumnWidth) }

            try zip.beginEntry(partName, compressionLevel: options.compressionLevel, mayExceed4GiB: true)
            append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n")
            append("<worksheet xmlns=\"\(OOXMLNamespace.spreadsheetML)\" xmlns:r=\"\(OOXMLNamespace.officeDocumentRelationships)\">")
            // Printed, the table fits the page width (as many pages down as it needs).
            append("<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>")
            if knowsAllRows {
                // The used range is known only when every row is in hand; it is optional otherwise.
                let lastColumn = max(width, sampledRows.map(\.cells.count).max() ?? 0) - 1
                let lastRow = max(preamble.count + sampledRows.count, 1) - 1
                let end = CellReference(row: min(lastRow, CellReference.maximumRows - 1),
                                        column: min(lastColumn, CellReference.maximumColumns - 1))
                append("<dimension ref=\"A1\(end.row == 0 && end.column == 0 ? "" : ":\(end)")\"/>")
            }
            append("<sheetViews><sheetView\(isFirstSheet ? " tabSelected=\"1\"" : "") workbookViewId=\"0\"")
            if frozenRowCount > 0 && frozenRowCount < CellReference.maximumRows {
                let topLeft = "A\(frozenRowCount + 1)"
                append("><pane ySplit=\"\(frozenRowCount)\" topLeftCell=\"\(topLeft)\" activePane=\"bottomLeft\" state=\"frozen\"/>")
                append("<selection pane=\"bottomLeft\" activeCell=\"\(topLeft)\" sqref=\"\(topLeft)\"/></sheetView>")
            } else {
                append("/>")
            }
            append("</sheetViews>")
            if columnWidths.contains(where: { $0 > 0 }) {
                append("<cols>")
                for (column, width) in columnWidths.enumerated() where width > 0 {
                    append("<col min=\"\(column + 1)\" max=\"\(column + 1)\" width=\"\(width)\" customWidth=\"1\"/>")
                }
                append("</cols>")
            }
            append("<sheetData>")
            for cells in preamble {
                try skipRow()
                let attributePosition = openRow(&buffer)
                var lines = 1
                for cell in cells {
                    if cell.text.isEmpty {
                        appendStyledBlank(column: cell.column, style: cell.style, to: &buffer)
                    } else {
                        try appendText(cell.text, column: cell.column, style: cell.style, line: head.line, to: &buffer)
                    }
                    if cell.wrapColumns > 0 {
                        let spanned = cell.column..<min(cell.column + cell.wrapColumns, columnWidths.count)
                        let room = spanned.reduce(0) { $0 + columnRoom($1) + 2 } - 2
                        lines = max(lines, Self.lineCount(cell.text, room: room))
                    }
                }
                setHeight(lines: lines, at: attributePosition, in: &buffer)
                append("</row>")
            }
            let rows = sampledRows
            sampledRows = []
            for row in rows { try encode(row) }
            try flushIfFull()
        }

        /// Widens the columns for the cells of `row`.
        private func measure(_ row: Row) {
            if row.cells.count > contentWidths.count {
                contentWidths.append(contentsOf: repeatElement(0, count: row.cells.count - contentWidths.count))
            }
            for (column, cell) in row.cells.enumerated() {
                let width: Int
                switch cell {
                case .empty: continue
                case .text(let text): width = Self.displayWidth(text)
                case .number(let value, let raw): width = Self.displayWidth(of: value, grouped: Self.isGrouped(value, raw: raw))
                }
                if width > contentWidths[column] { contentWidths[column] = width }
            }
        }

        /// Encodes one row into the buffer (held in a local while it grows, so that appends
        /// need no exclusivity checks on the property).
        private func encode(_ row: Row) throws {
            guard row.cells.count <= CellReference.maximumColumns else {
                throw FormatError(line: row.line, place: "\(quotedSheetName)!row \(lastRowNumber + 1)",
                                  "the row has \(row.cells.count) cells, more than a worksheet's 16,384 columns")
            }
            try skipRow()
            // A local copy of the buffer (its pointer and count) while the row grows; written back
            // at the end, also when a cell throws.
            var out = buffer
            defer { buffer = out }
            var rowIsOpen = false
            var attributePosition = 0
            var lines = 1
            let bold = row.kind != .data
            for (column, cell) in row.cells.enumerated() {
                let style: Int
                switch cell {
                case .empty:
                    continue
                case .text(let text):
                    let room = columnRoom(column)
                    let fits = text.utf8.count <= room || Self.displayWidth(text) <= room
                    let wraps = !fits || Self.containsLineFeed(text)
                    style = bold ? (wraps ? boldWrappedTextStyle : boldTextStyle) : (wraps ? wrappedTextStyle : textStyle)
                    if wraps { lines = max(lines, Self.lineCount(text, room: room)) }
                    if !rowIsOpen {
                        attributePosition = openRow(&out)
                        rowIsOpen = true
                    }
                    try appendText(text, column: column, style: style, line: row.line, to: &out)
                case .number(let value, let raw):
                    if !rowIsOpen {
                        attributePosition = openRow(&out)
                        rowIsOpen = true
                    }
                    try appendNumber(value, raw: raw, column: column, bold: bold, line: row.line, to: &out)
                }
            }
            // An empty row keeps its number and writes nothing.
            if rowIsOpen {
                setHeight(lines: lines, at: attributePosition, in: &out)
                out.append("</row>")
            }
            if out.count >= Self.flushThreshold {
                try zip.write(out.array)
                out.removeAll()
            }
        }

        /// Moves to the next row number; fails past the last row a worksheet has.
        private func skipRow() throws {
            guard lastRowNumber < CellReference.maximumRows else {
                throw FormatError(place: quotedSheetName, "the table needs more than 1,048,576 rows, a worksheet's "
                                  + "limit (\(preamble.count) of them above the data): it cannot be written as XLSX")
            }
            lastRowNumber += 1
        }

        /// Writes `<row r="N">` for the current row number and keeps its digits for cell references.
        /// Returns the position of the tag's `>`, where `setHeight` can add attributes.
        @discardableResult
        private func openRow(_ out: inout RawByteBuffer) -> Int {
            rowDigits.removeAll(keepingCapacity: true)
            var number = lastRowNumber
            repeat {
                rowDigits.append(UInt8(0x30 + number % 10))
                number /= 10
            } while number > 0
            rowDigits.reverse()
            out.append("<row r=\"")
            out.append(rowDigits)
            out.append("\">")
            return out.count - 1
        }

        /// Character widths text has in `column` before it wraps; a column that no sampled cell
        /// sized has Excel's default width, about 8 characters.
        @inline(__always)
        private func columnRoom(_ column: Int) -> Int {
            max((column < columnWidths.count && columnWidths[column] > 0 ? columnWidths[column] : 10) - 2, 1)
        }

        /// Gives the open row the height of `lines` lines of text (15 points each, at most the
        /// 409 a row can have), so that wrapped text shows whole where a program does not
        /// adjust heights itself.
        private func setHeight(lines: Int, at position: Int, in out: inout RawByteBuffer) {
            guard lines > 1 else { return }
            out.insert(Array(" ht=\"\(min(lines * 15, 409))\" customHeight=\"1\"".utf8), at: position)
        }

        /// `<c r="B7"` and, for a style other than the default, ` s="3"`.
        @inline(__always)
        private func appendCellStart(column: Int, style: Int, to out: inout RawByteBuffer) {
            while columnLetters.count <= column {
                columnLetters.append(Array(CellReference.columnName(columnLetters.count).utf8))
            }
            while styleAttributes.count <= style {
                styleAttributes.append(Array(" s=\"\(styleAttributes.count)\"".utf8))
            }
            out.append("<c r=\"")
            out.append(columnLetters[column])
            out.append(rowDigits)
            out.append(0x22)
            if style != 0 { out.append(styleAttributes[style]) }
        }

        private func appendStyledBlank(column: Int, style: Int, to out: inout RawByteBuffer) {
            appendCellStart(column: column, style: style, to: &out)
            out.append("/>")
        }

        private func appendText(_ text: String, column: Int, style: Int, line: Int?, to out: inout RawByteBuffer) throws {
            if text.utf8.count > 32_767, text.utf16.count > 32_767 {
                throw FormatError(line: line, place: "\(quotedSheetName)!\(CellReference(row: lastRowNumber - 1, column: column))",
                                  "the text has \(text.utf16.count) characters, more than a cell's 32,767; "
                                  + "it cannot be written as XLSX without truncating it")
            }
            appendCellStart(column: column, style: style, to: &out)
            if XMLEscaping.needsSpacePreserved(text) {
                out.append(" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
            } else {
                out.append(" t=\"inlineStr\"><is><t>")
            }
            out.append(ooxmlText: text)
            out.append("</t></is></c>")
        }

        private func appendNumber(_ value: ExactDecimal, raw: String?, column: Int, bold: Bool, line: Int?,
                                  to out: inout RawByteBuffer) throws {
            var text = value.text
            let (digits, isZero) = text.withUTF8 { Self.significantDigits($0) }
            if digits > 15 && options.numbers == .exact {
                let place = "\(quotedSheetName)!\(CellReference(row: lastRowNumber - 1, column: column))"
                reportNumberAsText(Diagnostic(.warning, line: line, place: place,
                    "\(value.text) has \(digits) significant digits, more than the 15 a spreadsheet keeps: "
                    + "written as text so that no program shows it rounded"))
                try appendText(value.text, column: column, style: bold ? boldTextStyle : textStyle, line: line, to: &out)
                return
            }
            let grouped = Self.isGrouped(value, raw: raw)
            let key = value.scale &* 4 &+ (grouped ? 2 : 0) &+ (bold ? 1 : 0)
            while numberStyles.count <= key { numberStyles.append(-1) }
            var style = numberStyles[key]
            if style < 0 {
                style = styles.numberStyle(scale: value.scale, grouped: grouped, bold: bold)
                numberStyles[key] = style
            }
            appendCellStart(column: column, style: style, to: &out)
            out.append("><v>")
            text.withUTF8 { bytes in
                // A negative zero is written as zero: spreadsheets do not keep the sign.
                out.append(isZero && bytes.first == 0x2D ? UnsafeBufferPointer(rebasing: bytes.dropFirst()) : bytes)
            }
            out.append("</v></c>")
        }

        @inline(__always)
        static func containsLineFeed(_ text: String) -> Bool {
            text.utf8.withContiguousStorageIfAvailable { $0.contains(0x0A) } ?? text.utf8.contains(0x0A)
        }

        /// Fractions show thousands separators (amounts); whole numbers only when they were
        /// printed with them, so that years and counts read as printed.
        @inline(__always)
        static func isGrouped(_ value: ExactDecimal, raw: String?) -> Bool {
            value.scale > 0 || (raw?.utf8.contains(0x2C) ?? false)
        }

        private var quotedSheetName: String { "'" + sheetName.replacingOccurrences(of: "'", with: "''") + "'" }

        // MARK: Bytes

        /// Appends markup to the buffer outside the row loop.
        private func append(_ markup: String) {
            buffer.append(string: markup)
        }

        private func flushIfFull() throws {
            if buffer.count >= Self.flushThreshold { try flush() }
        }

        private func flush() throws {
            try zip.write(buffer.array)
            buffer.removeAll()
        }

        // MARK: Measures

        /// Digits from the first to the last non-zero digit of a number's canonical text (what a
        /// double must hold for the value to show as printed), and whether every digit is zero.
        static func significantDigits(_ text: UnsafeBufferPointer<UInt8>) -> (count: Int, isZero: Bool) {
            var first = -1
            var last = -1
            var position = 0
            for byte in text where byte != 0x2E && byte != 0x2D {
                if byte != 0x30 {
                    if first < 0 { first = position }
                    last = position
                }
                position += 1
            }
            return first < 0 ? (0, true) : (last - first + 1, false)
        }

        /// How many lines `text` takes when it wraps within `room` character widths.
        static func lineCount(_ text: String, room: Int) -> Int {
            var lines = 0
            var current = 0
            for scalar in text.unicodeScalars {
                if scalar == "\n" {
                    lines += max(1, (current + room - 1) / room)
                    current = 0
                } else {
                    current += isWide(scalar) ? 2 : 1
                }
            }
            return lines + max(1, (current + room - 1) / room)
        }

        /// How many character widths `text` takes: East Asian wide and fullwidth characters count
        /// two; of several lines, the longest.
        static func displayWidth(_ text: String) -> Int {
            var widest = 0
            var current = 0
            for scalar in text.unicodeScalars {
                if scalar == "\n" {
                    widest = max(widest, current)
                    current = 0
                } else {
                    current += isWide(scalar) ? 2 : 1
                }
            }
            return max(widest, current)
        }

        /// The width of a number as its format shows it: sign, grouped integer digits, point and
        /// fraction digits.
        static func displayWidth(of value: ExactDecimal, grouped: Bool) -> Int {
            let length = value.text.utf8.count
            let integerDigits = length - (value.isNegative ? 1 : 0) - (value.scale > 0 ? value.scale + 1 : 0)
            return length + (grouped ? (integerDigits - 1) / 3 : 0)
        }

        /// East Asian Wide (W) and Fullwidth (F) ranges: CJK, kana, Hangul, fullwidth forms.
        static func isWide(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return true
            default:
                return false
            }
        }
    }
}
