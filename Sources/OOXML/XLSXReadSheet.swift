import TableModel
import XMLStream

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

/// The SAX handler for one worksheet part: turns `<row>`/`<c>` events into rows of cells (dense
/// from column A), queued until the reader takes them, and collects `<mergeCell>` ranges and the
/// `<dimension>`. Per event it compares local names as bytes and copies text only inside `<v>`
/// and inline `<t>`.
final class XLSXSheetHandler: XMLPushParserDelegate {
    struct BufferedRow {
        /// 1-based spreadsheet row number.
        var number: Int
        /// Cells from column A on.
        var cells: [Cell]
    }

    private enum CellType {
        case number, sharedString, inlineString, formulaString, boolean, error, isoDate
    }

    let sheetName: String
    private let sharedStrings: XLSXSharedStrings
    private let displays: [XLSXNumberDisplay]
    private let uses1904: Bool
    /// Only merges and the dimension are wanted (a pre-scan): cells are not built.
    private let mergesOnly: Bool

    // Results.
    private(set) var rows: [BufferedRow] = []
    private var rowsTaken = 0
    private(set) var merges: [XLSXMergedRange] = []
    private(set) var dimension: XLSXMergedRange?
    /// Leftmost and rightmost columns that hold a value, over every row read so far.
    private(set) var firstUsedColumn = Int.max
    private(set) var lastUsedColumn = -1

    // Parse state.
    private var rowNumber = 0
    private var inRow = false
    private var rowCells: [Cell] = []
    private var rowHasValue = false
    private var column = -1
    private var cellType = CellType.number
    private var cellStyle = 0
    private var hasValue = false
    private var capturing = false
    private var inInlineString = false
    private var phoneticDepth = 0
    private var text: [UInt8] = []
    private var scratch: [UInt8] = []

    init(sheetName: String, sharedStrings: XLSXSharedStrings, displays: [XLSXNumberDisplay], uses1904: Bool,
         mergesOnly: Bool = false) {
        self.sheetName = sheetName
        self.sharedStrings = sharedStrings
        self.displays = displays
        self.uses1904 = uses1904
        self.mergesOnly = mergesOnly
        text.reserveCapacity(256)
        scratch.reserveCapacity(64)
    }

    /// Rows queued and not yet taken.
    var queuedRowCount: Int { rows.count - rowsTaken }

    /// The queued rows, oldest first, without taking them.
    var queuedRows: ArraySlice<BufferedRow> { rows[rowsTaken...] }

    /// Takes the oldest queued row.
    func takeRow() -> BufferedRow? {
        guard rowsTaken < rows.count else {
            if !rows.isEmpty {
                rows.removeAll(keepingCapacity: true)
                rowsTaken = 0
            }
            return nil
        }
        rowsTaken += 1
        return rows[rowsTaken - 1]
    }

    /// `Sheet1!B7` for the cell being read.
    var currentCellName: String {
        sheetName + "!" + CellReference(row: max(rowNumber - 1, 0), column: max(column, 0)).description
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
            text.removeAll(keepingCapacity: true)
        case 0x74 where local[1] == 0:  // t (inside <is>)
            if inInlineString && phoneticDepth == 0 { capturing = true }
        case 0x69 where local[1] == 0x73 && local[2] == 0:  // is
            guard inRow, !mergesOnly else { return }
            inInlineString = true
            hasValue = true
            text.removeAll(keepingCapacity: true)
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
            endRow()
        case 0x72 where name.hasLocalName("rPh"):
            phoneticDepth -= 1
        default:
            break
        }
    }

    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {
        if capturing { self.text.append(contentsOf: text) }
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
        rowHasValue = false
        if !mergesOnly { rowCells.removeAll(keepingCapacity: true) }
    }

    private func endRow() {
        guard inRow else { return }
        inRow = false
        guard rowHasValue else { return }
        rows.append(BufferedRow(number: rowNumber, cells: rowCells))
    }

    private func startCell(_ parser: XMLPushParser, _ attributes: XMLAttributes) {
        var newColumn = column + 1
        cellType = .number
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
                cellType = XLSXSheetHandler.cellType(value)
            case 0x73:  // s
                var style = 0
                for byte in value where byte >= 0x30 && byte <= 0x39 && style < 1 << 40 { style = style * 10 + Int(byte - 0x30) }
                cellStyle = style
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
        text.removeAll(keepingCapacity: true)
    }

    private static func cellType(_ value: UnsafeBufferPointer<UInt8>) -> CellType {
        guard let first = value.first else { return .number }
        switch (first, value.count) {
        case (0x73, 1): return .sharedString  // s
        case (0x73, 3): return .formulaString  // str
        case (0x69, _): return .inlineString  // inlineStr
        case (0x62, _): return .boolean  // b
        case (0x65, _): return .error  // e
        case (0x64, _): return .isoDate  // d
        default: return .number  // n
        }
    }

    private func endCell(_ parser: XMLPushParser) {
        capturing = false
        guard hasValue else { return }
        let cell: Cell
        switch cellType {
        case .number:
            cell = numberCell()
        case .sharedString:
            var index = 0
            var digits = 0
            for byte in text where byte != 0x20 {
                guard byte >= 0x30 && byte <= 0x39, digits < 12 else { digits = -1; break }
                index = index * 10 + Int(byte - 0x30)
                digits += 1
            }
            guard digits > 0 else {
                if text.allSatisfy({ $0 == 0x20 }) { return }  // <v/>: no value
                parser.stop("\(currentCellName): shared string index '\(String(decoding: text, as: UTF8.self))' is not a number")
                return
            }
            guard index < sharedStrings.count else {
                parser.stop("\(currentCellName): shared string index \(index) is out of range (the workbook has \(sharedStrings.count))")
                return
            }
            let string = sharedStrings.string(at: index)
            if string.isEmpty { return }
            cell = .text(string)
        case .inlineString, .formulaString:
            if text.isEmpty { return }
            cell = .text(String(decoding: XLSXEscapes.decode(text), as: UTF8.self))
        case .boolean:
            if text.isEmpty { return }
            cell = .text(text == [0x30] ? "FALSE" : text == [0x31] ? "TRUE" : String(decoding: text, as: UTF8.self))
        case .error, .isoDate:
            if text.isEmpty { return }
            cell = .text(String(decoding: text, as: UTF8.self))
        }
        if rowCells.count <= column {
            rowCells.append(contentsOf: repeatElement(Cell.empty, count: column - rowCells.count + 1))
        }
        rowCells[column] = cell
        rowHasValue = true
        if column < firstUsedColumn { firstUsedColumn = column }
        if column > lastUsedColumn { lastUsedColumn = column }
    }

    /// A number cell shown as its style says: fixed scale, percentage, date, or the stored digits.
    private func numberCell() -> Cell {
        let display = cellStyle < displays.count ? displays[cellStyle] : .general
        return text.withUnsafeBufferPointer { bytes -> Cell in
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
    }

    /// The common case without allocation beyond the value: `-?digits(.digits)?` with no more
    /// fraction digits than shown, padded with zeros to the format's scale.
    private func plainNumber(_ bytes: UnsafeBufferPointer<UInt8>, display: XLSXNumberDisplay) -> Cell? {
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
