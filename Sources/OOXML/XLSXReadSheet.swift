import TableModel
import XMLStream
import ZipArchive

/// A rectangle of merged cells, 0-based and inclusive.
struct XLSXMergedRange: Hashable {
    var top: Int
    var left: Int
    var bottom: Int
    var right: Int

    /// Parses `A1:C2` (a single `B3` is a one-cell range).
    init?(_ reference: UnsafeBufferPointer<UInt8>) {
        let parts = reference.split(separator: 0x3A, maxSplits: 1)
        guard let first = parts.first, let start = CellReference(first) else { return nil }
        let end = parts.count > 1 ? CellReference(parts[1]) : start
        guard let end else { return nil }
        top = min(start.row, end.row)
        bottom = max(start.row, end.row)
        left = min(start.column, end.column)
        right = max(start.column, end.column)
    }

    func contains(row: Int, column: Int) -> Bool { row >= top && row <= bottom && column >= left && column <= right }
}

/// How a `<c>` element's `t` attribute types its value.
enum XLSXCellKind: UInt8 {
    case number, sharedString, inlineString, formulaString, boolean, error, isoDate

    init(_ value: UnsafeBufferPointer<UInt8>) {
        guard let first = value.first else { self = .number; return }
        switch (first, value.count) {
        case (0x73, 1): self = .sharedString  // s
        case (0x73, 3): self = .formulaString  // str
        case (0x69, _): self = .inlineString  // inlineStr
        case (0x62, _): self = .boolean  // b
        case (0x65, _): self = .error  // e
        case (0x64, _): self = .isoDate  // d
        default: self = .number  // n
        }
    }
}

/// A cell as the parser met it: its column, type, style and the line it ended on, with its
/// value's bytes (`<v>` or inline `<t>` text, entities replaced) at `valueStart..<valueEnd` of
/// its batch's `bytes`. A `Cell` is made from it on the consuming thread.
struct XLSXRawCell {
    var valueStart: Int
    var valueEnd: Int
    var line: Int
    var column: Int32
    /// The `s` attribute, clamped to `Int32.max` (past every style a workbook can have).
    var style: Int32
    var kind: XLSXCellKind
}

/// A `<row>` with at least one valued cell: its 1-based number, and the end of its cells in the
/// batch's `cells` (they start where the previous row's end).
struct XLSXRawRow {
    var number: Int
    var cellEnd: Int
}

/// Rows of one worksheet as the parser recorded them, handed from the parsing side to the side
/// that makes cells. Batches are reused: the consumer gives each back once its rows are made.
final class XLSXRawBatch {
    @exclusivity(unchecked) var bytes: [UInt8] = []
    @exclusivity(unchecked) var cells: [XLSXRawCell] = []
    @exclusivity(unchecked) var rows: [XLSXRawRow] = []
    /// The `<dimension>` as known when the batch was sent (it precedes the rows).
    var dimension: XLSXMergedRange?
    /// The sheet's last batch: the parse ended, and `merges` lists every merged range.
    var isLast = false
    var merges: [XLSXMergedRange] = []
    /// Why parsing stopped, on a last batch whose rows are dropped.
    var failure: FormatError?

    func clear() {
        bytes.removeAll(keepingCapacity: true)
        cells.removeAll(keepingCapacity: true)
        rows.removeAll(keepingCapacity: true)
        dimension = nil
        isLast = false
        merges = []
        failure = nil
    }
}

/// The SAX handler for one worksheet part, on the thread that parses: records each valued cell's
/// column, type, style and value bytes into flat buffers, row by row, and sends them on in
/// batches; collects `<mergeCell>` ranges and the `<dimension>`. It builds no `Cell` and no
/// `String` per cell: per event it compares local names as bytes and copies text only inside
/// `<v>` and inline `<t>`.
final class XLSXSheetRecorder: XMLPushParserDelegate {
    let sheetName: String
    let part: String
    /// Where batches go; nil when only merges and the dimension are wanted (a pre-scan), and
    /// cells are not recorded.
    private let queue: XLSXBatchQueue?
    private let mergesOnly: Bool
    // A batch is sent at the end of a row once it holds this many rows, cells or value bytes.
    private let rowsPerBatch = 1_024
    private let cellsPerBatch = 16_384
    private let bytesPerBatch = 1 << 18

    // Collected for the last batch.
    private(set) var merges: [XLSXMergedRange] = []
    private(set) var dimension: XLSXMergedRange?

    // The batch being filled.
    @exclusivity(unchecked) private var bytes: [UInt8] = []
    @exclusivity(unchecked) private var cells: [XLSXRawCell] = []
    @exclusivity(unchecked) private var rows: [XLSXRawRow] = []

    // Parse state.
    @exclusivity(unchecked) private var rowNumber = 0
    @exclusivity(unchecked) private var inRow = false
    @exclusivity(unchecked) private var rowCellStart = 0
    @exclusivity(unchecked) private var column = -1
    @exclusivity(unchecked) private var cellKind = XLSXCellKind.number
    @exclusivity(unchecked) private var cellStyle: Int32 = 0
    @exclusivity(unchecked) private var valueStart = 0
    @exclusivity(unchecked) private var hasValue = false
    @exclusivity(unchecked) private var capturing = false
    @exclusivity(unchecked) private var inInlineString = false
    @exclusivity(unchecked) private var phoneticDepth = 0

    init(sheetName: String, part: String, queue: XLSXBatchQueue?) {
        self.sheetName = sheetName
        self.part = part
        self.queue = queue
        mergesOnly = queue == nil
        if !mergesOnly {
            bytes.reserveCapacity(bytesPerBatch + (1 << 12))
            cells.reserveCapacity(cellsPerBatch)
            rows.reserveCapacity(rowsPerBatch)
        }
    }

    /// `Sheet1!B7` for the cell being read.
    var currentCellName: String {
        sheetName + "!" + CellReference(row: max(rowNumber - 1, 0), column: max(column, 0)).description
    }

    /// Sends the rows recorded since the last batch, with the merges when the parse has ended.
    func finish() {
        send(isLast: true, failure: nil)
    }

    /// Ends the sheet with `error` (from parsing or inflating), said as a `FormatError` at the part.
    func fail(_ error: Error) {
        send(isLast: true, failure: formatError(error))
    }

    /// A parsing or inflating error as a `FormatError` naming the part (and the cell near a
    /// malformation).
    func formatError(_ error: Error) -> FormatError {
        switch error {
        case let error as XMLReadError:
            let near = error.message.hasPrefix("malformed") ? " (near \(currentCellName))" : ""
            return FormatError(line: error.line, place: part, error.message + near)
        case let error as ZipReadError:
            return FormatError(place: error.entry ?? part, error.message)
        case let error as FormatError:
            return error
        default:
            return FormatError(place: part, "\(error)")
        }
    }

    /// Hands the recorded rows to the queue and starts an empty batch; false when the consumer
    /// has gone.
    @discardableResult
    private func send(isLast: Bool, failure: FormatError?) -> Bool {
        guard let queue else { return false }
        let batch = queue.emptyBatch()
        swap(&batch.bytes, &bytes)
        swap(&batch.cells, &cells)
        swap(&batch.rows, &rows)
        batch.dimension = dimension
        batch.isLast = isLast
        if isLast { batch.merges = merges }
        batch.failure = failure
        valueStart = 0
        return queue.put(batch)
    }

    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        let local = name.localNamePointer
        switch local[0] {
        case 0x63 where local[1] == 0:  // c
            guard inRow, !mergesOnly else { return }
            startCell(parser, attributes)
        case 0x76 where local[1] == 0:  // v
            guard inRow, !mergesOnly else { return }
            capturing = true
            hasValue = true
            dropValue()
        case 0x74 where local[1] == 0:  // t (inside <is>)
            if inInlineString && phoneticDepth == 0 { capturing = true }
        case 0x69 where local[1] == 0x73 && local[2] == 0:  // is
            guard inRow, !mergesOnly else { return }
            inInlineString = true
            hasValue = true
            dropValue()
        case 0x72 where name.hasLocalName("row"):
            startRow(parser, attributes)
        case 0x72 where name.hasLocalName("rPh"):
            phoneticDepth += 1
        case 0x6D where name.hasLocalName("mergeCell"):
            if let reference = attributes["ref"], let range = XLSXMergedRange(reference) { merges.append(range) }
        case 0x64 where name.hasLocalName("dimension"):
            if let reference = attributes["ref"] { dimension = XLSXMergedRange(reference) }
        default:
            break
        }
    }

    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {
        let local = name.localNamePointer
        switch local[0] {
        case 0x63 where local[1] == 0:  // c
            guard inRow, !mergesOnly, column >= 0 else { return }
            endCell(parser)
        case 0x76 where local[1] == 0:  // v
            capturing = false
        case 0x74 where local[1] == 0:  // t
            if inInlineString { capturing = false }
        case 0x69 where local[1] == 0x73 && local[2] == 0:  // is
            inInlineString = false
            capturing = false
        case 0x72 where name.hasLocalName("row"):
            endRow(parser)
        case 0x72 where name.hasLocalName("rPh"):
            phoneticDepth -= 1
        default:
            break
        }
    }

    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {
        if capturing { bytes.append(contentsOf: text) }
    }

    // MARK: Rows and cells

    private func startRow(_ parser: XMLPushParser, _ attributes: XMLAttributes) {
        var number = rowNumber + 1
        if let reference = attributes["r"] {
            var value = 0
            for byte in reference {
                guard byte >= 0x30 && byte <= 0x39, value <= CellReference.maximumRows else { value = -1; break }
                value = value * 10 + Int(byte - 0x30)
            }
            guard value >= 1 && value <= CellReference.maximumRows else {
                parser.stop("\(sheetName): row number '\(String(decoding: reference, as: UTF8.self))' is not between 1 and \(CellReference.maximumRows)")
                return
            }
            number = value
        }
        rowNumber = number
        inRow = true
        column = -1
        rowCellStart = cells.count
        valueStart = bytes.count
    }

    private func endRow(_ parser: XMLPushParser) {
        guard inRow else { return }
        inRow = false
        guard cells.count > rowCellStart else { return }
        rows.append(XLSXRawRow(number: rowNumber, cellEnd: cells.count))
        if rows.count >= rowsPerBatch || cells.count >= cellsPerBatch || bytes.count >= bytesPerBatch,
           !send(isLast: false, failure: nil) {
            parser.stop("\(sheetName): reading stopped")
        }
    }

    private func startCell(_ parser: XMLPushParser, _ attributes: XMLAttributes) {
        var newColumn = column + 1
        cellKind = .number
        cellStyle = 0
        for index in 0..<attributes.count {
            let value = attributes.value(at: index)
            let attributeName = attributes.localNamePointer(at: index)
            guard attributeName[1] == 0 else { continue }
            switch attributeName[0] {
            case 0x72:  // r: the column letters (the row comes from <row>)
                var letters = 0
                var parsed = 0
                for byte in value {
                    if byte >= 0x41 && byte <= 0x5A { parsed = parsed * 26 + Int(byte - 0x40) }
                    else if byte >= 0x61 && byte <= 0x7A { parsed = parsed * 26 + Int(byte - 0x60) }
                    else { break }
                    letters += 1
                    if letters > 3 { break }
                }
                if letters > 0 { newColumn = parsed - 1 }
            case 0x74:  // t
                cellKind = XLSXCellKind(value)
            case 0x73:  // s
                var style = 0
                for byte in value where byte >= 0x30 && byte <= 0x39 && style < 1 << 40 { style = style * 10 + Int(byte - 0x30) }
                cellStyle = Int32(clamping: style)
            default:
                break
            }
        }
        guard newColumn >= 0, newColumn < CellReference.maximumColumns else {
            column = CellReference.maximumColumns - 1
            parser.stop("\(sheetName): a cell lies beyond column XFD, Excel's last")
            return
        }
        column = newColumn
        hasValue = false
        capturing = false
        valueStart = bytes.count
    }

    private func endCell(_ parser: XMLPushParser) {
        capturing = false
        guard hasValue else {
            dropValue()
            return
        }
        cells.append(XLSXRawCell(valueStart: valueStart, valueEnd: bytes.count, line: parser.line,
                                 column: Int32(column), style: cellStyle, kind: cellKind))
        valueStart = bytes.count
    }

    /// Forgets the text captured for the cell being read.
    private func dropValue() {
        if bytes.count > valueStart { bytes.removeSubrange(valueStart...) }
    }
}

/// Makes the cells of recorded rows, on the consuming thread: numbers shown as their style says,
/// shared strings looked up, inline text with its escapes decoded. A cell that cannot be made
/// (a shared string index out of range) is a `FormatError` naming it.
struct XLSXCellBuilder {
    let sheetName: String
    let part: String
    private let sharedStrings: XLSXSharedStrings
    private let displays: [XLSXNumberDisplay]
    private let uses1904: Bool
    private var scratch: [UInt8] = []

    init(sheetName: String, part: String, sharedStrings: XLSXSharedStrings, displays: [XLSXNumberDisplay], uses1904: Bool) {
        self.sheetName = sheetName
        self.part = part
        self.sharedStrings = sharedStrings
        self.displays = displays
        self.uses1904 = uses1904
        scratch.reserveCapacity(64)
    }

    /// The row's cells from column A on; nil when none of them holds a value.
    /// `firstUsedColumn` and `lastUsedColumn` widen to take in the columns that hold a value.
    mutating func cells(of batch: XLSXRawBatch, row: Int, firstUsedColumn: inout Int, lastUsedColumn: inout Int) throws -> [Cell]? {
        let start = row == 0 ? 0 : batch.rows[row - 1].cellEnd
        let end = batch.rows[row].cellEnd
        var cells: [Cell] = []
        var hasValue = false
        try batch.bytes.withUnsafeBufferPointer { bytes in
            for index in start..<end {
                let raw = batch.cells[index]
                let value = UnsafeBufferPointer(rebasing: bytes[raw.valueStart..<raw.valueEnd])
                guard let cell = try cell(raw, value, rowNumber: batch.rows[row].number) else { continue }
                let column = Int(raw.column)
                if cells.isEmpty { cells.reserveCapacity(max(column + 1, end - start)) }
                if column == cells.count {
                    cells.append(cell)
                } else {
                    if column > cells.count { cells.append(contentsOf: repeatElement(Cell.empty, count: column - cells.count + 1)) }
                    cells[column] = cell
                }
                hasValue = true
                if column < firstUsedColumn { firstUsedColumn = column }
                if column > lastUsedColumn { lastUsedColumn = column }
            }
        }
        return hasValue ? cells : nil
    }

    private mutating func cell(_ raw: XLSXRawCell, _ text: UnsafeBufferPointer<UInt8>, rowNumber: Int) throws -> Cell? {
        switch raw.kind {
        case .number:
            return numberCell(text, style: Int(raw.style))
        case .sharedString:
            var index = 0
            var digits = 0
            for byte in text where byte != 0x20 {
                guard byte >= 0x30 && byte <= 0x39, digits < 12 else { digits = -1; break }
                index = index * 10 + Int(byte - 0x30)
                digits += 1
            }
            guard digits > 0 else {
                if text.allSatisfy({ $0 == 0x20 }) { return nil }  // <v/>: no value
                throw FormatError(line: raw.line, place: part, "\(cellName(raw, rowNumber)): shared string index '\(String(decoding: text, as: UTF8.self))' is not a number")
            }
            guard index < sharedStrings.count else {
                throw FormatError(line: raw.line, place: part, "\(cellName(raw, rowNumber)): shared string index \(index) is out of range (the workbook has \(sharedStrings.count))")
            }
            let string = sharedStrings.string(at: index)
            return string.isEmpty ? nil : .text(string)
        case .inlineString, .formulaString:
            return text.isEmpty ? nil : .text(XLSXEscapes.string(text))
        case .boolean:
            if text.isEmpty { return nil }
            if text.count == 1 && text[0] == 0x30 { return .text("FALSE") }
            if text.count == 1 && text[0] == 0x31 { return .text("TRUE") }
            return .text(String(decoding: text, as: UTF8.self))
        case .error, .isoDate:
            return text.isEmpty ? nil : .text(String(decoding: text, as: UTF8.self))
        }
    }

    private func cellName(_ raw: XLSXRawCell, _ rowNumber: Int) -> String {
        sheetName + "!" + CellReference(row: max(rowNumber - 1, 0), column: max(Int(raw.column), 0)).description
    }

    /// A number cell shown as its style says: fixed scale, percentage, date, or the stored digits.
    private mutating func numberCell(_ bytes: UnsafeBufferPointer<UInt8>, style: Int) -> Cell {
        let display = style < displays.count ? displays[style] : .general
        if let fast = plainNumber(bytes, display: display) { return fast }
        let raw = String(decoding: bytes, as: UTF8.self)
        guard let stored = XLSXStoredNumber(bytes) else { return .text(raw) }
        let canonical: [UInt8]
        switch display {
        case .general: canonical = stored.text(scale: nil)
        case .fixed(let scale): canonical = stored.text(scale: scale)
        case .percent(let scale): canonical = stored.text(scale: scale + 2)
        case .date(let kind):
            if let iso = XLSXDates.isoText(stored, kind: kind, uses1904: uses1904) { return .text(iso) }
            canonical = stored.text(scale: nil)
        }
        guard let value = canonical.withUnsafeBufferPointer({ ExactDecimal.parse($0, options: .plain) }) else { return .text(raw) }
        return .number(value)
    }

    /// The common case without allocation beyond the value: `-?digits(.digits)?` with no more
    /// fraction digits than shown, padded with zeros to the format's scale.
    private mutating func plainNumber(_ bytes: UnsafeBufferPointer<UInt8>, display: XLSXNumberDisplay) -> Cell? {
        let wanted: Int
        switch display {
        case .general: wanted = -1
        case .fixed(let scale): wanted = scale
        case .percent(let scale): wanted = scale + 2
        case .date: return nil
        }
        var fractionDigits = -1
        var start = 0
        if bytes.first == 0x2D { start = 1 }
        guard start < bytes.count else { return nil }
        // A leading zero before more integer digits, or `-0`, takes the general path.
        if bytes[start] == 0x30, start + 1 < bytes.count, bytes[start + 1] != 0x2E { return nil }
        for index in start..<bytes.count {
            let byte = bytes[index]
            if byte == 0x2E {
                guard fractionDigits < 0, index > start, index + 1 < bytes.count else { return nil }
                fractionDigits = 0
            } else if byte >= 0x30 && byte <= 0x39 {
                if fractionDigits >= 0 { fractionDigits += 1 }
            } else {
                return nil
            }
        }
        let present = max(fractionDigits, 0)
        if wanted < 0 || present == wanted {
            return ExactDecimal.parse(bytes, options: .plain).map { .number($0) }
        }
        guard present < wanted else { return nil }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: bytes)
        if fractionDigits < 0 { scratch.append(0x2E) }
        scratch.append(contentsOf: repeatElement(0x30, count: wanted - present))
        return scratch.withUnsafeBufferPointer { ExactDecimal.parse($0, options: .plain) }.map { .number($0) }
    }
}
