import TableModel
import XCTest
@testable import TextTables

/// Word boxes no PDF should give (pdftotext prints what the PDF says): the layout is made
/// without a crash and every word's text is kept.
final class WordBoxBoundsTests: XCTestCase {
    private func layout(_ xhtml: String) throws -> String {
        let reader = WordBoxReader()
        try Array(xhtml.utf8).withUnsafeBytes { try reader.read($0) }
        return try reader.finish()
    }

    private func page(_ words: [(xMin: String, xMax: String, text: String)]) -> String {
        let boxes = words.map { "<word xMin=\"\($0.xMin)\" yMin=\"140.7\" xMax=\"\($0.xMax)\" yMax=\"151.8\">\($0.text)</word>" }
        return "<doc><page width=\"612\" height=\"792\"><flow><block><line>\(boxes.joined())</line></block></flow></page></doc>"
    }

    /// Found by the `wordbox` fuzz target: `xMin="442.211e3083033"` parsed as infinity, and
    /// setting the word on the grid trapped converting it to an Int.
    func testInfiniteCoordinateFromTheFuzzerDoesNotCrash() throws {
        let text = try layout(page([("442.211e3083033", "450.0", "New"), ("460", "480", "York")]))
        XCTAssertTrue(text.contains("New"), text)
        XCTAssertTrue(text.contains("York"), text)
    }

    func testNonFiniteAndHugeCoordinatesAreBounded() throws {
        let words = [("nan", "inf", "a"), ("-inf", "1e308", "b"), ("-1e308", "-1e300", "c"), ("1e300", "1e301", "d"), ("12", "20", "e")]
        let text = try layout(page(words.map { (xMin: $0.0, xMax: $0.1, text: $0.2) }))
        for word in ["a", "b", "c", "d", "e"] { XCTAssertTrue(text.contains(word), "\(word) in \(text.prefix(200))") }
        // ±100,000 points on a grid of at least half a point: a line of at most 400,000 positions.
        XCTAssertLessThanOrEqual(text.unicodeScalars.count, 400_100)
        var options = TextReadOptions()
        options.layout = .spaces
        XCTAssertNoThrow(try TextTables.read(Array(text.utf8), name: "boxes.pdf", options: options))
    }
}
