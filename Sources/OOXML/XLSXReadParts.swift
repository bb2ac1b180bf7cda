import TableModel
import XMLStream
import ZipArchive

/// A sheet as the workbook lists it.
public struct XLSXSheetInfo: Hashable, Sendable {
    public enum State: String, Hashable, Sendable {
        case visible, hidden, veryHidden
    }

    /// The name shown on the sheet's tab.
    public var name: String
    public var state: State
    /// The ZIP entry of the sheet's XML (`xl/worksheets/sheet1.xml`); nil for a chart sheet or
    /// a sheet whose part is missing.
    public var part: String?
}

/// One `Relationship` of a `.rels` part.
struct XLSXRelationship {
    var id: String
    /// The type URI's last segment: `worksheet`, `sharedStrings`, `styles`, `officeDocument`.
    var kind: String
    /// The target resolved to a ZIP entry name.
    var part: String
    var isExternal: Bool
}

/// Shared pieces of the small-part parsers.
enum XLSXParts {
    /// The entry name for `target` relative to the part `source` (absolute targets start at the
    /// package root; `..` and `.` segments are resolved; `%20` style escapes are decoded).
    static func resolve(_ target: String, from source: String) -> String {
        let decoded = target.removingPercentEncodingSimply().replacingBackslashesInPath()
        var segments: [Substring]
        if decoded.hasPrefix("/") {
            segments = []
        } else {
            segments = source.split(separator: "/", omittingEmptySubsequences: true)
            if !segments.isEmpty { segments.removeLast() }
        }
        for segment in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            if segment == "." { continue }
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
                continue
            }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }

    /// The `.rels` part that describes `part`: `xl/workbook.xml` → `xl/_rels/workbook.xml.rels`.
    static func relationshipsPart(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "_rels/" + part + ".rels" }
        return part[..<slash] + "/_rels/" + part[part.index(after: slash)...] + ".rels"
    }

    /// Parses a small part read whole through `handler`, turning layer errors into `FormatError`s.
    static func parse(_ part: String, in zip: ZipReader, with handler: XMLPushParserDelegate,
                      limits: XMLReadLimits) throws {
        guard let entry = zip.findEntry(part) else { throw FormatError(place: part, "the part is missing from the package") }
        let parser = XMLPushParser(delegate: handler, limits: limits)
        do {
            try zip.forEachChunk(of: entry) { try parser.parse($0) }
            try parser.finish()
        } catch let error as XMLReadError {
            throw FormatError(line: error.line, place: part, error.message)
        } catch let error as ZipReadError {
            throw FormatError(place: error.entry ?? part, error.message)
        }
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>?) -> String? {
        bytes.map { String(decoding: $0, as: UTF8.self) }
    }
}

extension String {
    fileprivate func removingPercentEncodingSimply() -> String {
        guard utf8.contains(0x25) else { return self }
        var bytes: [UInt8] = []
        let source = Array(utf8)
        var index = 0
        while index < source.count {
            if source[index] == 0x25, index + 2 < source.count,
               let value = UInt8(String(decoding: source[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(source[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    fileprivate func replacingBackslashesInPath() -> String {
        guard utf8.contains(0x5C) else { return self }
        return String(decoding: utf8.map { $0 == 0x5C ? 0x2F : $0 }, as: UTF8.self)
    }
}

/// `<Relationships><Relationship Id= Type= Target= TargetMode=/>`.
final class XLSXRelationshipsHandler: XMLPushParserDelegate {
    let source: String
    var relationships: [XLSXRelationship] = []

    init(source: String) { self.source = source }

    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        guard name.hasLocalName("Relationship"),
              let id = XLSXParts.string(attributes["Id"]),
              let type = XLSXParts.string(attributes["Type"]),
              let target = XLSXParts.string(attributes["Target"]) else { return }
        let kind = type.split(separator: "/").last.map(String.init) ?? type
        let isExternal = XLSXParts.string(attributes["TargetMode"]) == "External"
        relationships.append(XLSXRelationship(id: id, kind: kind, part: XLSXParts.resolve(target, from: source),
                                              isExternal: isExternal))
    }

    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {}
    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {}
}

/// `xl/workbook.xml`: the sheets in tab order and the date system.
final class XLSXWorkbookHandler: XMLPushParserDelegate {
    struct ListedSheet {
        var name: String
        var state: XLSXSheetInfo.State
        var relationshipId: String?
    }

    var sheets: [ListedSheet] = []
    var uses1904 = false

    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        if name.hasLocalName("sheet") {
            let sheetName = XLSXParts.string(attributes["name"]) ?? "Sheet\(sheets.count + 1)"
            let state: XLSXSheetInfo.State
            switch XLSXParts.string(attributes["state"]) {
            case "hidden": state = .hidden
            case "veryHidden": state = .veryHidden
            default: state = .visible
            }
            let id = XLSXParts.string(attributes.value("id", namespaceSuffix: "relationships"))
            sheets.append(ListedSheet(name: sheetName, state: state, relationshipId: id))
        } else if name.hasLocalName("workbookPr") {
            let value = XLSXParts.string(attributes["date1904"])
            uses1904 = value == "1" || value == "true"
        }
    }

    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {}
    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {}
}

/// `xl/styles.xml`: custom number formats and, per cell style (`s` index), its display.
final class XLSXStylesHandler: XMLPushParserDelegate {
    private var customFormats: [Int: String] = [:]
    private var cellFormatIds: [Int] = []
    private var inCellFormats = false

    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        if name.hasLocalName("numFmt") {
            if let id = XLSXParts.string(attributes["numFmtId"]).flatMap({ Int($0) }),
               let code = XLSXParts.string(attributes["formatCode"]) {
                customFormats[id] = code
            }
        } else if name.hasLocalName("cellXfs") {
            inCellFormats = true
        } else if inCellFormats && name.hasLocalName("xf") {
            cellFormatIds.append(XLSXParts.string(attributes["numFmtId"]).flatMap { Int($0) } ?? 0)
        }
    }

    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {
        if name.hasLocalName("cellXfs") { inCellFormats = false }
    }

    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {}

    /// The display of each cell style, indexed by the `s` attribute of `<c>`.
    var displays: [XLSXNumberDisplay] {
        cellFormatIds.map { id in customFormats[id].map(XLSXNumberFormat.classify) ?? XLSXNumberFormat.builtIn(id) }
    }
}

/// The shared string table, kept as one byte buffer and offsets (a String per entry would cost
/// several times the text's size).
struct XLSXSharedStrings {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []

    var count: Int { ends.count }
    /// Bytes held (text plus offsets).
    var memorySize: Int { bytes.capacity + ends.capacity * MemoryLayout<Int>.stride }

    mutating func append(_ text: [UInt8]) {
        bytes.append(contentsOf: text)
        ends.append(bytes.count)
    }

    func string(at index: Int) -> String {
        let start = index == 0 ? 0 : ends[index - 1]
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<ends[index]]), as: UTF8.self) }
    }
}

/// `xl/sharedStrings.xml`: each `<si>` is the text of its `<t>` elements (rich-text runs
/// concatenated), without the phonetic runs (`<rPh>`), with `_xHHHH_` escapes decoded.
final class XLSXSharedStringsHandler: XMLPushParserDelegate {
    var strings = XLSXSharedStrings()
    private var text: [UInt8] = []
    private var inItem = false
    private var inText = false
    private var phoneticDepth = 0

    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        if name.hasLocalName("t") {
            inText = inItem && phoneticDepth == 0
        } else if name.hasLocalName("si") {
            inItem = true
            text.removeAll(keepingCapacity: true)
        } else if name.hasLocalName("rPh") {
            phoneticDepth += 1
        }
    }

    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {
        if name.hasLocalName("t") {
            inText = false
        } else if name.hasLocalName("si") {
            inItem = false
            strings.append(XLSXEscapes.decode(text))
        } else if name.hasLocalName("rPh") {
            phoneticDepth -= 1
        }
    }

    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {
        if inText { self.text.append(contentsOf: text) }
    }
}
