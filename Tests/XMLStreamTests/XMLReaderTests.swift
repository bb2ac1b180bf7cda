import XCTest
import XMLStream

/// Records events as text lines: `<name a=v>`, `</name>`, `"text"`.
private final class EventRecorder: XMLPushParserDelegate {
    var events: [String] = []
    private var text = ""

    func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
        flushText()
        var line = "<" + name.localName
        for index in 0..<attributes.count {
            line += " \(attributes.localName(at: index))=\(String(decoding: attributes.value(at: index), as: UTF8.self))"
        }
        events.append(line + ">")
    }

    func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {
        flushText()
        events.append("</\(name.localName)>")
    }

    func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {
        self.text += String(decoding: text, as: UTF8.self)
    }

    private func flushText() {
        if !text.isEmpty { events.append("\"\(text)\"") }
        text = ""
    }
}

final class XMLReaderTests: XCTestCase {
    /// The events of `document`, pushed in chunks of `chunkSize` bytes or, when `pulled`, taken
    /// by the parser from a chunk source (`parseDocument(reading:)`).
    private func events(_ document: String, chunkSize: Int = 1 << 16, limits: XMLReadLimits = .init(),
                        pulled: Bool = false) throws -> [String] {
        let recorder = EventRecorder()
        let parser = XMLPushParser(delegate: recorder, limits: limits)
        let bytes = Array(document.utf8)
        var offset = 0
        if pulled {
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 1)
            defer { chunk.deallocate() }
            try parser.parseDocument(reading: {
                guard offset < bytes.count else { return nil }
                let end = min(offset + chunkSize, bytes.count)
                bytes[offset..<end].withUnsafeBytes { chunk.copyMemory(from: $0) }
                defer { offset = end }
                return UnsafeRawBufferPointer(rebasing: chunk[0..<(end - offset)])
            })
            return recorder.events
        }
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            try bytes[offset..<end].withUnsafeBytes { try parser.parse($0) }
            offset = end
        }
        try parser.finish()
        return recorder.events
    }

    private func assertError(_ document: String, contains fragment: String, line: Int? = nil, limits: XMLReadLimits = .init(),
                             file: StaticString = #filePath, sourceLine: UInt = #line) {
        for pulled in [false, true] {
            XCTAssertThrowsError(try events(document, limits: limits, pulled: pulled), "pulled: \(pulled)", file: file, line: sourceLine) { error in
                guard let readError = error as? XMLReadError else { return XCTFail("\(error)", file: file, line: sourceLine) }
                XCTAssertTrue(readError.message.contains(fragment), readError.message, file: file, line: sourceLine)
                if let line { XCTAssertEqual(readError.line, line, file: file, line: sourceLine) }
            }
        }
    }

    func testElementsAttributesAndTextArriveInOrderWithEntitiesDecoded() throws {
        let document = """
        <?xml version="1.0"?><x:sheet xmlns:x="urn:s"><c r="A1" t="s">a &amp; b &#x263A;</c><v><![CDATA[<raw>]]></v><e/></x:sheet>
        """
        XCTAssertEqual(try events(document), [
            "<sheet>", "<c r=A1 t=s>", "\"a & b ☺\"", "</c>", "<v>", "\"<raw>\"", "</v>", "<e>", "</e>", "</sheet>",
        ])
    }

    func testChunkBoundariesDoNotChangeEvents() throws {
        let document = "<root>" + String(repeating: "<row r=\"7\"><c>数据 &lt;1&gt;</c></row>", count: 50) + "</root>"
        let whole = try events(document)
        for size in [1, 3, 7, 64] { XCTAssertEqual(try events(document, chunkSize: size), whole, "chunk size \(size)") }
        for size in [1, 7, 5000, 1 << 16] { XCTAssertEqual(try events(document, chunkSize: size, pulled: true), whole, "pulled, chunk size \(size)") }
    }

    func testPulledChunkSourceErrorsAreRethrownAsTheyAre() {
        struct SourceFailure: Error, Equatable {}
        let recorder = EventRecorder()
        let parser = XMLPushParser(delegate: recorder)
        let head = Array("<root><a>".utf8)
        var calls = 0
        XCTAssertThrowsError(try head.withUnsafeBytes { bytes in
            try parser.parseDocument(reading: {
                calls += 1
                if calls == 1 { return bytes }
                throw SourceFailure()
            })
        }) { error in
            XCTAssertEqual(error as? SourceFailure, SourceFailure())
        }
        XCTAssertEqual(recorder.events, ["<root>", "<a>"])
    }

    func testNamesCompareAsBytes() throws {
        final class Matcher: XMLPushParserDelegate {
            var matches: [Bool] = []
            func parser(_ parser: XMLPushParser, didStartElement name: XMLName, attributes: XMLAttributes) {
                matches.append(name.hasLocalName("row"))
                if let value = attributes["r"] { matches.append(Array(value) == Array("2".utf8)) }
            }
            func parser(_ parser: XMLPushParser, didEndElement name: XMLName) {}
            func parser(_ parser: XMLPushParser, foundCharacters text: UnsafeBufferPointer<UInt8>) {}
        }
        let matcher = Matcher()
        try XMLPushParser(delegate: matcher).parse(Array("<rows><row r=\"2\"/><ro/></rows>".utf8))
        XCTAssertEqual(matcher.matches, [false, true, true, false])
    }

    func testBillionLaughsIsRefused() {
        let document = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
        ]>
        <lolz>&lol3;</lolz>
        """
        assertError(document, contains: "entity", line: 3)
    }

    func testExternalEntityIsRefused() {
        let document = """
        <?xml version="1.0"?>
        <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        <foo>&xxe;</foo>
        """
        assertError(document, contains: "external entity")
    }

    func testUndeclaredEntityIsAnError() {
        assertError("<a>&nbsp;</a>", contains: "nbsp")
    }

    func testMalformedXMLReportsItsLine() {
        assertError("<sheet>\n<row>\n<c></row>\n</sheet>", contains: "malformed XML", line: 3)
    }

    func testTruncatedDocumentIsAnError() {
        assertError("<sheet><row><c>1</c>", contains: "malformed XML")
    }

    func testLimitsStopTheParse() {
        assertError(String(repeating: "<a>", count: 20) + String(repeating: "</a>", count: 20), contains: "deeper",
                    limits: XMLReadLimits(maximumDepth: 10))
        assertError("<a x='1' y='2' z='3'/>", contains: "attributes", limits: XMLReadLimits(maximumAttributeCount: 2))
        assertError("<a>" + String(repeating: "x", count: 5000) + "</a>", contains: "longer than 1000",
                    limits: XMLReadLimits(maximumTextLength: 1000))
    }
}
