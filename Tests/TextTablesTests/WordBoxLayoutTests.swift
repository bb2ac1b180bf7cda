import TableModel
import XCTest
@testable import TextTables

/// PDF word boxes (`pdftotext -bbox-layout`) set on a character grid, and read as layout text.
final class WordBoxLayoutTests: XCTestCase {
    /// A word of a 10-point font: 5 points per character, 10 high, its top at `y`.
    private func word(_ text: String, x: Double, y: Double) -> PDFWord {
        PDFWord(xMin: x, yMin: y, xMax: x + 5 * Double(text.count), yMax: y + 10, text: text)
    }

    func testAColumnBreakNarrowerThanTwoCharactersStaysABreak() {
        // `Notice Date` is one phrase (3 points apart); `Effective` starts 8 points after `Date`,
        // which `pdftotext -layout` prints one blank apart.
        // A title in ordinary word spacing (3 points) sets what a space is on the page.
        var title: [PDFWord] = []
        var x = 10.0
        for text in ["Summary", "of", "the", "notices", "received", "in", "the", "fiscal", "year"] {
            title.append(word(text, x: x, y: 0))
            x += 5 * Double(text.count) + 3
        }
        let page = PDFPage(width: 600, height: 800, lines: [
            title,
            [word("Notice", x: 10, y: 10), word("Date", x: 43, y: 10), word("Effective", x: 71, y: 10), word("Company", x: 130, y: 10)],
            [word("06/22/2015", x: 10, y: 25), word("03/25/2016", x: 71, y: 25), word("Acme", x: 130, y: 25)],
        ])
        let lines = WordBoxLayout.layoutText([page]).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[1].contains("Notice Date  "), lines[1])
        XCTAssertFalse(lines[1].contains("Notice  Date"), "words of one phrase stay one blank apart")
        XCTAssertTrue(lines[2].contains("06/22/2015  "), lines[2])
    }

    func testAmountsLineUpByTheirRightEdgeAndLeadersGo() {
        // A label with a dot leader, its amount in a block of its own (a separate line in
        // poppler's output) but on the same baseline.
        let page = PDFPage(width: 600, height: 800, lines: [
            [word("Total", x: 10, y: 10), word(". . . . . .", x: 40, y: 10)],
            [word("11,062.6", x: 200, y: 10.5)],
            [word("Arson", x: 10, y: 25), word(". . . . . .", x: 40, y: 25)],
            [word("9.8", x: 225, y: 25.5)],
        ])
        let lines = WordBoxLayout.layoutText([page]).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, "a label and its amount on one baseline are one row")
        XCTAssertEqual(lines[0].split(separator: " "), ["Total", "11,062.6"], "the dot leader is dropped")
        XCTAssertEqual(lines[0].count, lines[1].count, "right-aligned amounts end at the same position")
    }

    func testALeaderPrintedInTheLabelsWordIsCutOff() {
        // poppler gives `rape. . . . . .` as one word; its box reaches to the amounts.
        let page = PDFPage(width: 600, height: 800, lines: [
            [word("Forcible", x: 10, y: 10), PDFWord(xMin: 55, yMin: 10, xMax: 190, yMax: 20, text: "rape. . . . . . . . . . . .")],
            [word("17.5", x: 200, y: 10), word("2.6", x: 250, y: 10)],
            [word("Robbery", x: 10, y: 25), word("102.1", x: 195, y: 25), word("25.5", x: 245, y: 25)],
            [word("Gambling", x: 10, y: 40), word("etc...", x: 55, y: 40), word("8.2", x: 205, y: 40)],
        ])
        let lines = WordBoxLayout.layoutText([page]).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0].split(separator: " "), ["Forcible", "rape", "17.5", "2.6"])
        XCTAssertEqual(lines[0].count, lines[1].count, "the amounts stay where they are printed")
        XCTAssertEqual(lines[2].split(separator: " "), ["Gambling", "etc...", "8.2"], "three dots are no leader")
    }

    func testATextRunningDownThePageIsTurnedUpright() {
        // Rows read top to bottom; the first row is at the right.
        func down(_ text: String, x: Double, y: Double) -> PDFWord {
            PDFWord(xMin: x, yMin: y, xMax: x + 10, yMax: y + 5 * Double(text.count), text: text)
        }
        let page = PDFPage(width: 600, height: 800, lines: [
            [down("Region", x: 500, y: 100), down("Amount", x: 500, y: 200)],
            [down("North", x: 485, y: 100), down("1,250", x: 485, y: 200)],
            [down("South", x: 470, y: 100), down("980", x: 470, y: 210)],
        ])
        let lines = WordBoxLayout.layoutText([page]).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines, [["Region", "Amount"], ["North", "1,250"], ["South", "980"]])
    }

    func testWordBoxesAreReadFromPdftotextXHTML() throws {
        let xhtml = """
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html xmlns="http://www.w3.org/1999/xhtml">
            <head><title></title></head><body><doc>
            <page width="600" height="800"><flow><block xMin="10" yMin="10" xMax="200" yMax="20">
            <line xMin="10" yMin="10" xMax="200" yMax="20">
            <word xMin="10" yMin="10" xMax="40" yMax="20">Item</word><word xMin="120" yMin="10" xMax="160" yMax="20">Cost</word>
            </line><line xMin="10" yMin="25" xMax="200" yMax="35">
            <word xMin="10" yMin="25" xMax="40" yMax="35">Tea&amp;\u{07}</word><word xMin="125" yMin="25" xMax="160" yMax="35">1,505</word>
            </line></block></flow></page>
            <page width="600" height="800"><flow><block xMin="10" yMin="10" xMax="200" yMax="20">
            <line xMin="10" yMin="10" xMax="200" yMax="20"><word xMin="10" yMin="10" xMax="40" yMax="20">Next</word></line>
            </block></flow></page></doc></body></html>
            """
        let reader = WordBoxReader()
        try Array(xhtml.utf8).withUnsafeBytes { try reader.read($0) }
        let pages = try reader.finishPages()
        XCTAssertEqual(pages.count, 2)
        XCTAssertEqual(pages[0].lines.map { $0.map(\.text) }, [["Item", "Cost"], ["Tea& ", "1,505"]],
                       "entities decoded, a control character made a blank")
        XCTAssertEqual(pages[0].lines[1][1].xMax, 160)
        let document = try TextTables.read(Array(WordBoxLayout.layoutText(pages).utf8), name: "boxes",
                                           options: { var options = TextReadOptions(); options.layout = .spaces; return options }())
        XCTAssertEqual(document.tables.first?.columns.map(\.name), ["Item", "Cost"])
        XCTAssertEqual(document.tables.first?.rows.first?.cells[1], .number(ExactDecimal("1505")!, raw: "1,505"))
    }

    func testPagesOfIdeographsAreToldApart() {
        let chinese = PDFPage(width: 600, height: 800, lines: [
            [word("项目", x: 10, y: 10), word("预算数", x: 100, y: 10)],
            [word("事业运行", x: 10, y: 25), word("886.239928", x: 100, y: 25)],
        ])
        let english = PDFPage(width: 600, height: 800, lines: [[word("Item", x: 10, y: 10), word("1,505", x: 100, y: 10)]])
        XCTAssertTrue(WordBoxLayout.isMostlyIdeographic([chinese]))
        XCTAssertFalse(WordBoxLayout.isMostlyIdeographic([english]))
    }

    func testMalformedWordBoxesAreAFormatError() {
        let reader = WordBoxReader()
        XCTAssertThrowsError(try Array("<doc><page><word>x</page>".utf8).withUnsafeBytes { try reader.read($0); _ = try reader.finish() }) { error in
            XCTAssertTrue(error is FormatError, "\(error)")
        }
    }
}
