import Foundation
import XCTest
@testable import TabConv
import TableModel

/// The command as a user runs it: files in, files out, messages and exit codes.
final class CommandLineTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tabconv-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs the command in-process, returning the exit code and what it printed.
    func run(_ arguments: [String]) -> (code: Int32, output: String, errors: [String]) {
        var cli = CommandLineInterface()
        var output = ""
        var errors: [String] = []
        cli.printOutput = { output += $0 + "\n" }
        cli.printError = { errors.append($0) }
        cli.showsProgress = false
        let code = cli.run(arguments)
        return (code, output, errors)
    }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) -> String {
        FileManager.default.createFile(atPath: path(name), contents: Data(bytes))
        return path(name)
    }

    func filesInFolder() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    func testBadInputsGiveOneLineErrorsAndNoOutput() {
        let unterminated = write("quote.csv", Array("a,b\n1,\"open\n2,3\n".utf8))
        let garbage = write("garbage.bin", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ ($0 >> 3)) })
        let undecodable = write("bad.csv", [0x61, 0x2C, 0x62, 0x0A, 0xFF, 0xFE, 0xFF, 0x2C, 0x31, 0x0A])
        let cases: [(String, String)] = [
            (path("missing.txt"), "cannot open"),
            (folder.path, "is a directory"),
            (garbage, "binary"),
            (unterminated, "quote"),
            (undecodable, "neither UTF-8 nor GB18030"),
        ]
        for (input, expected) in cases {
            let before = filesInFolder()
            let result = run([input, "-o", path("out.json")])
            XCTAssertEqual(result.code, 1, input)
            XCTAssertEqual(result.errors.count, 1, "\(input): \(result.errors)")
            let message = result.errors.first ?? ""
            XCTAssertTrue(message.hasPrefix("tabconv: "), message)
            XCTAssertTrue(message.contains(expected), "\(input): \(message)")
            XCTAssertFalse(message.contains("\n"), message)
            XCTAssertEqual(filesInFolder(), before, "no output is created for \(input)")
        }
    }

    func testUnterminatedQuoteNamesTheLine() {
        let input = write("quote.csv", Array("a,b\n1,2\n3,\"open\n4,5\n".utf8))
        let result = run([input, "-o", path("out.json")])
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.errors.first?.contains("quote.csv:3") ?? false, "\(result.errors)")
    }

    func testFailedConversionLeavesAnExistingOutputUntouched() throws {
        let output = write("out.json", Array("keep me".utf8))
        let input = write("quote.csv", Array("a\n\"never closed\n".utf8))
        XCTAssertEqual(run([input, "-o", output]).code, 1)
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), "keep me")
    }

    func testWritingOverTheInputIsRefused() throws {
        let input = write("data.csv", Array("a,b\n1,2\n".utf8))
        let result = run([input, "-o", input, "--to", "csv"])
        XCTAssertEqual(result.code, 2)
        XCTAssertTrue(result.errors.first?.contains("refusing to write over the input") ?? false)
        XCTAssertEqual(try String(contentsOfFile: input, encoding: .utf8), "a,b\n1,2\n")
    }

    func testOutputIntoAMissingFolderIsAClearError() {
        let input = write("data.csv", Array("a,b\n1,2\n".utf8))
        let result = run([input, "-o", path("no/such/folder/out.json")])
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.errors.first?.contains("cannot write") ?? false, "\(result.errors)")
    }

    func testCSVToJSONKeepsExactDigits() throws {
        let input = write("amounts.csv", Array("科目编码,金额\n020101,\"9,885.752630\"\n2010350,0.500000\n".utf8))
        XCTAssertEqual(run([input, "-o", path("out.json")]).code, 0)
        let json = try String(contentsOfFile: path("out.json"), encoding: .utf8)
        XCTAssertTrue(json.contains("9885.752630"), json)
        XCTAssertTrue(json.contains("0.500000"), json)
        XCTAssertTrue(json.contains("\"020101\""), json)
        XCTAssertTrue(json.contains("\"2010350\""), "a code column keeps its digits as text: \(json)")
    }

    func testAFolderOutputIsCreatedAndRemovedAgainOnFailure() throws {
        let input = write("data.csv", Array("a,b\n1,2\n".utf8))
        XCTAssertEqual(run([input, "-o", path("tables") + "/"]).code, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: path("tables")), ["data.csv"])
        let broken = write("broken.csv", Array("a\n\"never closed\n".utf8))
        XCTAssertEqual(run([broken, "-o", path("more") + "/"]).code, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("more")), "a folder the failed run created is removed")
    }
}
