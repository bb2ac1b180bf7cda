import TableModel

/// Writes well-formed XML to a `ByteSink`: elements, attributes and escaped text, buffered and
/// passed on in blocks.
///
/// ```swift
/// let xml = XMLWriter(output: sink)
/// try xml.declaration()
/// try xml.startElement("sheets", attributes: ["xmlns": namespace])
/// try xml.emptyElement("sheet", attributes: ["name": "预算01表", "sheetId": "1"])
/// try xml.endElement()
/// try xml.finish()
/// ```
///
/// An element with no content is closed as `<name/>`. Names are written as given (they are the
/// caller's constants); attribute values and text are escaped by `XMLEscaping`.
public final class XMLWriter {
    private let output: ByteSink
    private var buffer: [UInt8] = []
    private let blockSize: Int
    private var openElements: [String] = []
    /// True while the last start tag still lacks its `>`.
    private var startTagIsOpen = false

    /// A writer passing its bytes to `output` in blocks of about `blockSize` bytes.
    public init(output: ByteSink, blockSize: Int = 1 << 16) {
        self.output = output
        self.blockSize = blockSize
        buffer.reserveCapacity(blockSize + 1024)
    }

    /// Writes `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` and a line feed.
    public func declaration() throws {
        buffer.append(contentsOf: "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n".utf8)
    }

    /// Opens element `name` with `attributes` in the order given.
    public func startElement(_ name: String, attributes: KeyValuePairs<String, String> = [:]) throws {
        closeStartTag()
        buffer.append(0x3C)
        buffer.append(contentsOf: name.utf8)
        for (attribute, value) in attributes {
            buffer.append(0x20)
            buffer.append(contentsOf: attribute.utf8)
            buffer.append(contentsOf: "=\"".utf8)
            XMLEscaping.appendAttributeValue(value, to: &buffer)
            buffer.append(0x22)
        }
        openElements.append(name)
        startTagIsOpen = true
        try flushIfFull()
    }

    /// Closes the innermost open element.
    public func endElement() throws {
        guard let name = openElements.popLast() else { throw FormatError("XML end tag without an open element") }
        if startTagIsOpen {
            buffer.append(contentsOf: "/>".utf8)
            startTagIsOpen = false
        } else {
            buffer.append(contentsOf: "</".utf8)
            buffer.append(contentsOf: name.utf8)
            buffer.append(0x3E)
        }
        try flushIfFull()
    }

    /// Writes `<name attributes/>`.
    public func emptyElement(_ name: String, attributes: KeyValuePairs<String, String> = [:]) throws {
        try startElement(name, attributes: attributes)
        try endElement()
    }

    /// Writes `<name attributes>text</name>`, the text escaped as plain XML text.
    public func element(_ name: String, attributes: KeyValuePairs<String, String> = [:], text: String) throws {
        try startElement(name, attributes: attributes)
        try self.text(text)
        try endElement()
    }

    /// Writes escaped text content (see `XMLEscaping.appendText`).
    public func text(_ text: String) throws {
        closeStartTag()
        XMLEscaping.appendText(text, to: &buffer)
        try flushIfFull()
    }

    /// Writes OOXML string content (see `XMLEscaping.appendOOXMLText`).
    public func ooxmlText(_ text: String) throws {
        closeStartTag()
        XMLEscaping.appendOOXMLText(text, to: &buffer)
        try flushIfFull()
    }

    /// Checks that every element is closed and passes the rest of the bytes to the sink.
    public func finish() throws {
        if let name = openElements.last { throw FormatError("XML element <\(name)> is not closed") }
        try flush()
    }

    /// Passes the buffered bytes to the sink.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try output.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func closeStartTag() {
        if startTagIsOpen {
            buffer.append(0x3E)
            startTagIsOpen = false
        }
    }

    private func flushIfFull() throws {
        if buffer.count >= blockSize { try flush() }
    }
}
