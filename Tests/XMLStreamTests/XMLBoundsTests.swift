import XCTest
import XMLStream

/// Counts what the parser reports, keeping nothing.
private final class Counter: XMLPushParserDelegate {
    var elements = 0
    var textBytes = 0
    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) { elements += 1 }
    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {}
    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) { textBytes += text.count }
}

/// The XML parser's resource bounds (`XMLReadLimits`): each default holds at the limit, fails
/// one past it with an error naming the limit, and can be raised.
final class XMLBoundsTests: XCTestCase {
    @discardableResult
    private func parse(_ document: [UInt8], limits: XMLReadLimits = .init()) throws -> Counter {
        let counter = Counter()
        let parser = XMLPushParser(delegate: counter, limits: limits)
        var offset = 0
        while offset < document.count {
            let end = min(offset + (1 << 16), document.count)
            try document[offset..<end].withUnsafeBytes { try parser.parse($0) }
            offset = end
        }
        try parser.finish()
        return counter
    }

    private func message(_ document: [UInt8], limits: XMLReadLimits = .init()) -> String? {
        do {
            try parse(document, limits: limits)
            return nil
        } catch let error as XMLReadError {
            return error.message
        } catch {
            return "not an XMLReadError: \(error)"
        }
    }

    private func nested(_ depth: Int) -> [UInt8] {
        Array((String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)).utf8)
    }

    private func element(attributes count: Int) -> [UInt8] {
        Array(("<c " + (0..<count).map { "a\($0)=\"\($0)\"" }.joined(separator: " ") + "/>").utf8)
    }

    private func text(_ length: Int) -> [UInt8] {
        Array("<t>".utf8) + [UInt8](repeating: 0x78, count: length) + Array("</t>".utf8)
    }

    func testDefaultsAreTheDocumentedLimits() {
        let limits = XMLReadLimits()
        XCTAssertEqual(limits.maximumDepth, 256)
        XCTAssertEqual(limits.maximumAttributeCount, 1_024)
        XCTAssertEqual(limits.maximumTextLength, 10_000_000)
    }

    func testDepthLimit() throws {
        XCTAssertEqual(try parse(nested(256)).elements, 256)
        XCTAssertEqual(message(nested(257)), "elements nest deeper than 256 levels")
        XCTAssertEqual(try parse(nested(300), limits: XMLReadLimits(maximumDepth: 300)).elements, 300)
    }

    /// Far deeper than any limit: stopped at the limit, not by running out of stack.
    func testMillionLevelsStopAtTheLimit() {
        XCTAssertNotNil(message(nested(1_000_000)))
    }

    func testAttributeCountLimit() throws {
        XCTAssertEqual(try parse(element(attributes: 1_024)).elements, 1)
        XCTAssertEqual(message(element(attributes: 1_025)), "an element has 1025 attributes, more than 1024")
        XCTAssertEqual(try parse(element(attributes: 2_000), limits: XMLReadLimits(maximumAttributeCount: 2_000)).elements, 1)
    }

    func testTextLengthLimit() throws {
        XCTAssertEqual(try parse(text(10_000_000)).textBytes, 10_000_000)
        XCTAssertEqual(message(text(10_000_001)), "a text node is longer than 10000000 bytes")
        XCTAssertEqual(try parse(text(12_000_000), limits: XMLReadLimits(maximumTextLength: 12_000_000)).textBytes, 12_000_000)
    }

    /// Text split by CDATA sections and character references is one run for the limit.
    func testTextRunCountsAcrossCDATAAndReferences() {
        let document = Array("<t>\(String(repeating: "x", count: 600))<![CDATA[\(String(repeating: "y", count: 600))]]>&#x41;</t>".utf8)
        XCTAssertEqual(message(document, limits: XMLReadLimits(maximumTextLength: 1_000)), "a text node is longer than 1000 bytes")
    }

    /// A long attribute value is bounded by libxml2's own limit (10,000,000 bytes without
    /// XML_PARSE_HUGE), an error rather than memory without end.
    func testHugeAttributeValueIsAnError() {
        let document = Array("<c v=\"".utf8) + [UInt8](repeating: 0x41, count: 10_000_001) + Array("\"/>".utf8)
        XCTAssertNotNil(message(document))
    }
}
