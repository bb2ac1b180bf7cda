import Foundation
import XCTest
@testable import TabConv

/// The sample's outputs in `Samples/` (JSON, Markdown, one CSV per table) are golden files: read
/// line by line against the sample before they were committed, regenerated only on purpose with
/// `TABCONV_UPDATE_GOLDEN=1 swift test --filter GoldenOutputTests`.
final class GoldenOutputTests: XCTestCase {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")
    let sample = samples.appendingPathComponent("budget-2026.txt").path
    var updating: Bool { ProcessInfo.processInfo.environment["TABCONV_UPDATE_GOLDEN"] == "1" }

    func compare(_ produced: URL, with golden: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        if updating {
            try? FileManager.default.removeItem(at: golden)
            try FileManager.default.copyItem(at: produced, to: golden)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8).components(separatedBy: "\n")
        let actual = try String(contentsOf: produced, encoding: .utf8).components(separatedBy: "\n")
        for (index, pair) in zip(expected, actual).enumerated() where pair.0 != pair.1 {
            XCTFail("\(golden.lastPathComponent):\(index + 1) differs\n  golden: \(pair.0)\n  now:    \(pair.1)", file: file, line: line)
            return
        }
        XCTAssertEqual(expected.count, actual.count, "\(golden.lastPathComponent): line count", file: file, line: line)
    }

    func convert(to output: String, options: ConversionOptions = ConversionOptions()) throws {
        _ = try TabConv.convert(input: sample, output: output, options: options)
    }

    func testJSONMatchesGolden() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        try convert(to: output.path)
        try compare(output, with: Self.samples.appendingPathComponent("budget-2026.json"))
    }

    func testMarkdownMatchesGolden() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: output) }
        try convert(to: output.path)
        try compare(output, with: Self.samples.appendingPathComponent("budget-2026.md"))
    }

    func testOneCSVPerTableMatchesGolden() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try convert(to: folder.path + "/")
        let goldenFolder = Self.samples.appendingPathComponent("budget-2026-csv")
        if updating {
            try? FileManager.default.removeItem(at: goldenFolder)
            try FileManager.default.createDirectory(at: goldenFolder, withIntermediateDirectories: true)
        }
        let produced = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(produced.count, 14, "one CSV per table (table 13 is a form of two sections)")
        if !updating {
            XCTAssertEqual(produced, try FileManager.default.contentsOfDirectory(atPath: goldenFolder.path).sorted())
        }
        for name in produced {
            try compare(folder.appendingPathComponent(name), with: goldenFolder.appendingPathComponent(name))
        }
    }
}
