import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import TableModel
import XCTest
@testable import XMLStream

final class XMLWriterTests: XCTestCase {
    private func text(_ string: String) -> String {
        var buffer: [UInt8] = []
        XMLEscaping.appendText(string, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private func attribute(_ string: String) -> String {
        var buffer: [UInt8] = []
        XMLEscaping.appendAttributeValue(string, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    private func ooxml(_ string: String) -> String {
        var buffer: [UInt8] = []
        XMLEscaping.appendOOXMLText(string, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    func testMarkupCharactersAreEscapedInText() {
        XCTAssertEqual(text("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d")
        XCTAssertEqual(text("收支总表 \"引号\" 'x'"), "收支总表 \"引号\" 'x'")
        XCTAssertEqual(text(""), "")
    }

    func testQuotesAndWhitespaceAreEscapedInAttributes() {
        XCTAssertEqual(attribute("say \"hi\" & <go>"), "say &quot;hi&quot; &amp; &lt;go&gt;")
        XCTAssertEqual(attribute("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d")
    }

    func testForbiddenCharactersAreReplacedInPlainText() {
        XCTAssertEqual(text("a\u{1}b\u{1F}c"), "a\u{FFFD}b\u{FFFD}c")
        XCTAssertEqual(text("line\r\nnext\tcol"), "line&#13;\nnext\tcol")
        XCTAssertEqual(text("x\u{FFFE}y\u{FFFF}z\u{FFFD}"), "x\u{FFFD}y\u{FFFD}z\u{FFFD}")
    }

    func testControlCharactersBecomeOOXMLEscapes() {
        XCTAssertEqual(ooxml("a\u{0}b\u{7}c\u{1B}d"), "a_x0000_b_x0007_c_x001B_d")
        XCTAssertEqual(ooxml("tab\tand\nnewline stay"), "tab\tand\nnewline stay")
        XCTAssertEqual(ooxml("cr\r\nlf"), "cr&#13;\nlf")
        XCTAssertEqual(ooxml("\u{FFFE}\u{FFFF}"), "_xFFFE__xFFFF_")
        XCTAssertEqual(ooxml("<预算>&"), "&lt;预算&gt;&amp;")
    }

    func testLiteralOOXMLEscapeSequenceIsProtected() {
        XCTAssertEqual(ooxml("_x0041_"), "_x005F_x0041_")
        XCTAssertEqual(ooxml("a_x00e9_b_X1234_"), "a_x005F_x00e9_b_x005F_X1234_")
        // Not an escape sequence: left alone.
        XCTAssertEqual(ooxml("_x004_ _x00G1_ _x0041 snake_case _"), "_x004_ _x00G1_ _x0041 snake_case _")
        XCTAssertEqual(text("_x0041_"), "_x0041_")
    }

    func testSpacePreservationIsNeededForSurroundingWhitespace() {
        XCTAssertTrue(XMLEscaping.needsSpacePreserved(" a"))
        XCTAssertTrue(XMLEscaping.needsSpacePreserved("a\n"))
        XCTAssertTrue(XMLEscaping.needsSpacePreserved("\t"))
        XCTAssertFalse(XMLEscaping.needsSpacePreserved("a b"))
        XCTAssertFalse(XMLEscaping.needsSpacePreserved(""))
    }

    func testWriterNestsElementsAndClosesEmptyOnes() throws {
        let sink = MemoryByteSink()
        let xml = XMLWriter(output: sink, blockSize: 8)
        try xml.declaration()
        try xml.startElement("workbook", attributes: ["xmlns": "urn:x", "a": "1 & 2"])
        try xml.emptyElement("sheet", attributes: ["name": "预算01表"])
        try xml.element("t", text: "<b>")
        try xml.startElement("is")
        try xml.ooxmlText("_x0041_\u{1}")
        try xml.endElement()
        try xml.startElement("empty")
        try xml.endElement()
        try xml.endElement()
        try xml.finish()
        XCTAssertEqual(sink.text, """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="urn:x" a="1 &amp; 2"><sheet name="预算01表"/><t>&lt;b&gt;</t><is>_x005F_x0041__x0001_</is><empty/></workbook>
            """)
    }

    func testUnbalancedElementsAreErrors() throws {
        let xml = XMLWriter(output: MemoryByteSink())
        XCTAssertThrowsError(try xml.endElement())
        try xml.startElement("a")
        XCTAssertThrowsError(try xml.finish())
    }

    /// An XML parser reads back exactly the text and attribute values that were written.
    func testParserReadsBackWhatWasWritten() throws {
        let values = ["plain", "a < b & c > d \"q\" 'a'", "tab\there\nnewline\r\ncr", "  spaced  ", "收支总表"]
        let sink = MemoryByteSink()
        let xml = XMLWriter(output: sink)
        try xml.declaration()
        try xml.startElement("root")
        for value in values { try xml.element("v", attributes: ["value": value], text: value) }
        try xml.endElement()
        try xml.finish()

        final class Collector: NSObject, XMLParserDelegate {
            var attributes: [String] = []
            var texts: [String] = []
            private var current: String?
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                        qualifiedName: String?, attributes: [String: String] = [:]) {
                if name == "v" {
                    self.attributes.append(attributes["value"] ?? "")
                    current = ""
                }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) { current? += string }
            func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
                if name == "v", let current { texts.append(current) }
                current = nil
            }
        }
        let collector = Collector()
        let parser = XMLParser(data: Data(sink.bytes))
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), String(describing: parser.parserError))
        XCTAssertEqual(collector.attributes, values)
        XCTAssertEqual(collector.texts, values)
    }
}
