import XCTest
@testable import TextTables

final class LineRangesTests: XCTestCase {
    private func lines(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return lineRanges(of: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    func testLineEndsOfEachKindCutLines() {
        XCTAssertEqual(lines("a\tb\n\nc\n"), ["a\tb", "", "c"])
        XCTAssertEqual(lines("a\nb"), ["a", "b"])
        XCTAssertEqual(lines("a\r\nb\r\n"), ["a", "b"])
        XCTAssertEqual(lines("a\rb\r\rc"), ["a", "b", "", "c"])
        XCTAssertEqual(lines("a\r\n\nb\rc\n"), ["a", "", "b", "c"])
        XCTAssertEqual(lines(""), [])
    }

    func testTabsAreFoundUpToTheLineEnd() {
        let bytes = Array("收入\t\t支出\n合计".utf8)
        bytes.withUnsafeBufferPointer { buffer in
            XCTAssertEqual(TabSplitter.firstTab(in: buffer, from: 0, to: buffer.count), 6)
            XCTAssertEqual(TabSplitter.firstTab(in: buffer, from: 7, to: buffer.count), 7)
            XCTAssertNil(TabSplitter.firstTab(in: buffer, from: 8, to: 14))
            XCTAssertNil(TabSplitter.firstTab(in: buffer, from: 8, to: 8))
        }
    }
}
