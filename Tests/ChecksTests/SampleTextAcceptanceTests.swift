import XCTest
import Foundation
import TableModel
import TextTables
@testable import Checks

/// Acceptance on the sample itself: read by the text reader, every identity holds, and changing
/// any one amount of the text fails exactly the identities that contain it.
final class SampleTextAcceptanceTests: XCTestCase {
    private static let sampleText: String = {
        let url = TableBuilding.repositoryRoot.appendingPathComponent("Samples/budget-2026.txt")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    private func check(_ text: String) throws -> (Document, CheckReport) {
        let document = try TextTables.read(Array(text.utf8), name: "budget-2026.txt")
        return (document, Checks.run(document))
    }

    func testEveryIdentityOfTheSampleHolds() throws {
        let (_, report) = try check(Self.sampleText)
        XCTAssertEqual(report.failed.map(\.description), [])
        XCTAssertEqual(report.unverified.map(\.description), [])
        let counts = Dictionary(uniqueKeysWithValues: report.checkedCountsByTable.map { ($0.tableID, $0.count) })
        let expected = ["预算01表": 5, "预算02表": 3, "预算03表": 35, "预算04表": 6, "预算05表": 26, "预算06表": 27,
                        "预算09表": 1, "预算10表": 1]
        for (table, count) in expected {
            XCTAssertEqual(counts[table], count, table)
        }
        XCTAssertGreaterThanOrEqual(report.checkedCount, expected.values.reduce(0, +))
    }

    /// The amount fields of the sample's lines 1…206 (tables 01–10): line, field index, text.
    private func amountFields() -> [(line: Int, field: Int, text: String)] {
        var fields: [(Int, Int, String)] = []
        for (offset, line) in Self.sampleText.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where offset < 206 {
            for (index, field) in line.split(separator: "\t", omittingEmptySubsequences: false).enumerated() {
                let text = field.trimmingCharacters(in: .whitespaces)
                if text.contains("."), ExactDecimal(text) != nil { fields.append((offset + 1, index, text)) }
            }
        }
        return fields
    }

    /// `text` with the amount on `line`, field `field`, raised by one in its last digit, printed as before.
    private func mutated(_ text: String, line: Int, field: Int) -> (text: String, value: ExactDecimal)? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var fields = lines[line - 1].split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard let value = ExactDecimal(fields[field].trimmingCharacters(in: .whitespaces)) else { return nil }
        let step = Decimal(sign: .plus, exponent: -value.scale, significand: 1)
        let raised = ExactDecimal(value.decimal + step, scale: value.scale)
        fields[field] = fields[field].contains(",") ? raised.groupedText : raised.text
        lines[line - 1] = fields.joined(separator: "\t")
        return (lines.joined(separator: "\n"), raised)
    }

    private func key(_ identity: Identity) -> String {
        "\(identity.tableID) \(identity.kind.rawValue) line \(identity.line ?? 0) column \(identity.statedCell.column)"
    }

    func testChangingOneAmountOfTheTextFailsExactlyTheIdentitiesThatContainIt() throws {
        let (document, baseline) = try check(Self.sampleText)
        var mutations = 0
        for amount in amountFields() {
            guard let (text, raised) = mutated(Self.sampleText, line: amount.line, field: amount.field) else { continue }
            // The cell the field became: the row read from that line, the column of that field.
            guard let tableIndex = document.tables.firstIndex(where: { $0.rows.contains { $0.line == amount.line } }),
                  let rowIndex = document.tables[tableIndex].rows.firstIndex(where: { $0.line == amount.line }) else {
                XCTFail("line \(amount.line) was not read into a row")
                continue
            }
            let position = CellPosition(row: rowIndex, column: amount.field)
            XCTAssertEqual(document.tables[tableIndex].rows[rowIndex].cells[amount.field].number, ExactDecimal(amount.text))
            let expected = baseline.identities.filter { $0.tableIndex == tableIndex && $0.involves(position) }
            XCTAssertFalse(expected.isEmpty, "line \(amount.line) field \(amount.field) is in no identity")
            let (mutatedDocument, report) = try check(text)
            XCTAssertEqual(mutatedDocument.tables[tableIndex].rows[rowIndex].cells[amount.field].number, raised)
            // Compared by what states the total: the reader may place a spanning header differently
            // once the arithmetic no longer confirms it (table 02's 上年结转结余), which renames parts.
            XCTAssertEqual(report.failed.map(key), expected.map(key), "line \(amount.line) field \(amount.field)")
            for identity in report.failed {
                let lines = [identity.line] + identity.parts.map(\.line)
                XCTAssertTrue(lines.contains(amount.line), "\(identity.description) does not name line \(amount.line)")
                XCTAssertTrue(report.renderText(file: "budget-2026.txt").contains("budget-2026.txt:\(identity.line ?? 0): "))
            }
            mutations += 1
        }
        XCTAssertEqual(mutations, 187)
    }
}
