import Foundation
import TableModel
import XCTest
@testable import CSVFormat

/// Runs every case of csv-spectrum (../shared/corpus/csv-spectrum, see its README): the first
/// row is the header, and every field must equal the expected JSON's value as text.
final class CSVSpectrumTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/corpus/csv-spectrum")

    func caseNames() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.appendingPathComponent("csvs").path)
            .filter { $0.hasSuffix(".csv") }.map { String($0.dropLast(4)) }.sorted()
        XCTAssertEqual(names.count, 11, "csv-spectrum holds 11 cases")
        return names
    }

    /// The case's bytes. The `*_crlf` cases are CRLF files upstream (their expectations hold
    /// `\r\n` inside a field), but the stored copies lost their CRs; those get CRLF back here.
    func csvBytes(_ name: String) throws -> [UInt8] {
        let bytes = Array(try Data(contentsOf: Self.corpus.appendingPathComponent("csvs/\(name).csv")))
        guard name.hasSuffix("_crlf"), !bytes.contains(0x0D) else { return bytes }
        return bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
    }

    func testEveryCaseParsesAsExpected() throws {
        var passed = 0
        let names = try caseNames()
        for name in names {
            let data = try Data(contentsOf: Self.corpus.appendingPathComponent("json/\(name).json"))
            let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: String]], name)
            let table = try XCTUnwrap(readCSV(try csvBytes(name), name: "\(name).csv").document.tables.first, name)
            let columns = table.columns.map(\.name)
            let actual = table.rows.map { row in
                Dictionary(uniqueKeysWithValues: zip(columns, row.cells.map(\.sourceText)))
            }
            XCTAssertEqual(actual, expected, name)
            if actual == expected { passed += 1 }
        }
        print("csv-spectrum: \(passed)/\(names.count) cases pass")
        XCTAssertEqual(passed, names.count)
    }

    /// CSV → model → CSV gives the file back byte for byte, with the writer's line ending set to
    /// the file's and two documented normalisations: the last record gets its line ending, and
    /// a quoted empty field (`""`) is written empty.
    func testRoundTripGivesTheSameBytes() throws {
        for name in try caseNames() {
            let input = try csvBytes(name)
            let document = try readCSV(input, name: "\(name).csv").document
            let text = String(decoding: input, as: UTF8.self)
            let lineEnding: CSVWriteOptions.LineEnding = text.contains("\r\n") ? .crlf : .lf
            let output = try writeCSV(document, options: CSVWriteOptions(lineEnding: lineEnding))

            var expected = text
            let newline = lineEnding == .crlf ? "\r\n" : "\n"
            if !expected.hasSuffix(newline) { expected += newline }
            let emptyQuoted = try NSRegularExpression(pattern: #"(?<=^|,)""(?=,|\r?\n)"#, options: [.anchorsMatchLines])
            expected = emptyQuoted.stringByReplacingMatches(in: expected, range: NSRange(expected.startIndex..., in: expected),
                                                            withTemplate: "")
            XCTAssertEqual(String(decoding: output, as: UTF8.self), expected, name)
        }
    }

    /// The same cases read with blocks of a few bytes, so that every quote, CRLF and field is cut
    /// somewhere, give the same tables.
    func testBlocksOfAnySizeGiveTheSameTables() throws {
        for name in try caseNames() {
            let input = try csvBytes(name)
            let whole = try readCSV(input).document
            for blockSize in 1...7 {
                var options = CSVReadOptions(delimiter: 0x2C)
                options.blockSize = blockSize
                XCTAssertEqual(try readCSV(input, options: options).document, whole, "\(name), blocks of \(blockSize)")
            }
        }
    }
}
