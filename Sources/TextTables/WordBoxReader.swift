import TableModel
import XMLStream

// The XHTML of `pdftotext -bbox-layout` (page → flow → block → line → word, each word with its
// box in points) read as it streams in, into PDFPages for WordBoxLayout.

/// Reads `pdftotext -bbox-layout` output chunk by chunk and gives its layout text at the end.
public final class WordBoxReader {
    private let collector = WordBoxCollector()
    private let parser: XMLPushParser

    public init() {
        parser = XMLPushParser(delegate: collector)
    }

    /// Feeds the next chunk of the XHTML.
    /// - Throws: `FormatError` for malformed XHTML.
    public func read(_ chunk: UnsafeRawBufferPointer) throws {
        // pdftotext passes the PDF's control characters through; XML forbids them.
        let cleaned = chunk.map { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D ? 0x20 : $0 }
        do {
            try cleaned.withUnsafeBytes { try parser.parse($0) }
        } catch let error as XMLReadError {
            throw FormatError(line: error.line, "pdftotext's word boxes are not readable: \(error.message)")
        }
    }

    /// Ends the XHTML; the pages read so far.
    public func finishPages() throws -> [PDFPage] {
        do {
            try parser.finish()
        } catch let error as XMLReadError {
            throw FormatError(line: error.line, "pdftotext's word boxes are not readable: \(error.message)")
        }
        return collector.pages
    }

    /// Ends the XHTML; the pages as layout text (WordBoxLayout).
    public func finish() throws -> String {
        WordBoxLayout.layoutText(try finishPages())
    }
}

/// Collects pages, lines and words.
final class WordBoxCollector: XMLPushParserDelegate {
    private(set) var pages: [PDFPage] = []
    private var line: [PDFWord] = []
    private var word: PDFWord?
    private var text: [UInt8] = []

    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        if name.hasLocalName("word") {
            word = PDFWord(xMin: Self.number(attributes, "xMin"), yMin: Self.number(attributes, "yMin"),
                           xMax: Self.number(attributes, "xMax"), yMax: Self.number(attributes, "yMax"), text: "")
            text.removeAll(keepingCapacity: true)
        } else if name.hasLocalName("line") {
            line = []
        } else if name.hasLocalName("page") {
            pages.append(PDFPage(width: Self.number(attributes, "width"), height: Self.number(attributes, "height"), lines: []))
        }
    }

    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {
        if name.hasLocalName("word"), var finished = word {
            finished.text = String(decoding: text, as: UTF8.self)
            line.append(finished)
            word = nil
        } else if name.hasLocalName("line"), !line.isEmpty, !pages.isEmpty {
            pages[pages.count - 1].lines.append(line)
            line = []
        }
    }

    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {
        if word != nil { self.text.append(contentsOf: text) }
    }

    /// A coordinate attribute (0 when absent or not a finite number: the word is still kept),
    /// held within ±`maximumCoordinate` so that positions on the character grid stay small
    /// integers (`1e400` parses as infinity, which no grid position can be).
    private static func number(_ attributes: XMLAttributes, _ name: StaticString) -> Double {
        guard let value = attributes.string(name).flatMap(Double.init), value.isFinite else { return 0 }
        return min(max(value, -maximumCoordinate), maximumCoordinate)
    }

    /// The largest coordinate taken as given, in points (a PDF page is at most 14,400 a side).
    static let maximumCoordinate = 100_000.0
}
