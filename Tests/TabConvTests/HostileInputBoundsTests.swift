import CZlib
import Foundation
import XCTest
@testable import TabConv
import TableModel

/// The hostile inputs of issue 8, each through the command as a user runs it: a one-line
/// error, exit 1, no output file, in bounded time and memory.
final class HostileInputBoundsTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tabconv-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    private func write(_ name: String, _ bytes: [UInt8]) -> String {
        FileManager.default.createFile(atPath: path(name), contents: Data(bytes))
        return path(name)
    }

    private func run(_ arguments: [String]) -> (code: Int32, errors: [String]) {
        var cli = CommandLineInterface()
        var errors: [String] = []
        cli.printOutput = { _ in }
        cli.printError = { errors.append($0) }
        cli.showsProgress = false
        return (cli.run(arguments), errors)
    }

    /// Converts `input` to JSON and checks the one-line error containing `expected`.
    private func assertRefused(_ input: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let output = path("out.json")
        let result = run([input, "-o", output])
        XCTAssertEqual(result.code, 1, "\(result.errors)", file: file, line: line)
        XCTAssertEqual(result.errors.count, 1, "\(result.errors)", file: file, line: line)
        let message = result.errors.first ?? ""
        XCTAssertTrue(message.hasPrefix("tabconv: "), message, file: file, line: line)
        XCTAssertTrue(message.contains(expected), message, file: file, line: line)
        XCTAssertFalse(message.contains("\n"), message, file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "no output", file: file, line: line)
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.contains(".tabconv-") }
        XCTAssertEqual(leftovers, [], "no temporary file left", file: file, line: line)
    }

    // MARK: Workbooks

    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    /// A one-sheet workbook around `sheet` (its bytes, stored or deflated) and optional shared strings.
    private func workbook(sheet: [UInt8], sharedStrings: String? = nil) -> [UInt8] {
        workbook(sheetEntry: .stored(sheet), sharedStrings: sharedStrings)
    }

    private func workbook(sheetEntry: ZipBuilder.Payload, sharedStrings: String? = nil) -> [UInt8] {
        var rels = "<Relationship Id=\"rId1\" Type=\"\(Self.relationships)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        var parts: [(String, ZipBuilder.Payload)] = [
            ("_rels/.rels", .stored(Array("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"\(Self.relationships)/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".utf8))),
            ("xl/workbook.xml", .stored(Array("<workbook xmlns=\"\(Self.main)\" xmlns:r=\"\(Self.relationships)\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".utf8))),
            ("xl/worksheets/sheet1.xml", sheetEntry),
        ]
        if let sharedStrings {
            rels += "<Relationship Id=\"rId2\" Type=\"\(Self.relationships)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
            parts.append(("xl/sharedStrings.xml", .stored(Array(sharedStrings.utf8))))
        }
        parts.append(("xl/_rels/workbook.xml.rels", .stored(Array("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\(rels)</Relationships>".utf8))))
        return ZipBuilder.archive(parts)
    }

    private func sheetXML(_ rows: String) -> [UInt8] {
        Array("<worksheet xmlns=\"\(Self.main)\"><sheetData>\(rows)</sheetData></worksheet>".utf8)
    }

    /// 200 MB of well-formed sheet XML deflated to about 200 KB: stopped by the ratio limit
    /// after the first megabytes, not inflated whole.
    func testZipBombWorkbookIsRefusedByTheCompressionRatio() throws {
        let head = Array("<worksheet xmlns=\"\(Self.main)\"><sheetData>".utf8)
        let filler = [UInt8](String(repeating: "<row/>", count: 1 << 20).utf8)
        let tail = Array("</sheetData></worksheet>".utf8)
        let bomb = ZipBuilder.deflate(pieces: [head] + Array(repeating: filler, count: 32) + [tail])
        guard case .deflated(let compressed, let size, _) = bomb else { return XCTFail("deflated") }
        XCTAssertGreaterThan(size, 200_000_000)
        XCTAssertLessThan(compressed.count, 1_000_000)
        assertRefused(write("bomb.xlsx", workbook(sheetEntry: bomb)), "compression ratio above 500:1")
    }

    func testArchiveOfDotDotNamesIsNotAWorkbook() {
        let archive = ZipBuilder.archive([("../../../../tmp/evil.txt", .stored(Array("x".utf8))), ("../x/../../y", .stored(Array("y".utf8)))])
        assertRefused(write("dotdot.xlsx", archive), "without a workbook part")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/evil.txt"))
    }

    func testBillionLaughsInsideAWorkbookIsRefused() {
        let laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
        let book = workbook(sheet: Array(laughs.utf8) + sheetXML("<row r=\"1\"><c t=\"inlineStr\"><is><t>&c;</t></is></c></row>"))
        assertRefused(write("laughs.xlsx", book), "entity declarations are refused")
    }

    func testExternalEntityInsideAWorkbookIsRefused() {
        let strings = "<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><sst xmlns=\"\(Self.main)\"><si><t>&x;</t></si></sst>"
        let book = workbook(sheet: sheetXML("<row r=\"1\"><c t=\"s\"><v>0</v></c></row>"), sharedStrings: strings)
        assertRefused(write("xxe.xlsx", book), "external entity")
    }

    func testSharedStringIndexOfTwoToTheThirtyFirstIsRefused() {
        let book = workbook(sheet: sheetXML("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>2147483648</v></c></row>"),
                            sharedStrings: "<sst xmlns=\"\(Self.main)\"><si><t>only</t></si></sst>")
        assertRefused(write("index.xlsx", book), "Sheet1!A1: shared string index 2147483648 is out of range")
    }

    // MARK: Text and CSV

    /// A 100 MB quoted field: the reader stops at the 32 MiB field limit.
    func testHundredMegabyteQuotedFieldIsRefused() throws {
        let input = path("field.csv")
        FileManager.default.createFile(atPath: input, contents: Data("a,b\n1,\"".utf8))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        handle.seekToEndOfFile()
        let block = Data(repeating: 0x71, count: 1 << 20)
        for _ in 0..<100 { handle.write(block) }
        handle.write(Data("\"\n".utf8))
        handle.closeFile()
        assertRefused(input, "field.csv:2: error: a field longer than 32 MiB (the limit)")
    }

    func testInvalidBytesInTheMiddleOfGB18030TextAreRefusedWithTheLine() {
        var bytes = [UInt8]("预算01表 收支总表\n项目\t金额\n".data(using: .init(rawValue: 0x8000_0632)) ?? Data())
        bytes += [0xCA, 0xD5, 0xC8, 0xEB, 0x09, 0x81, 0x20, 0x0A]  // 收入 TAB, then a lead byte without its trail
        assertRefused(write("gb.txt", bytes), "gb.txt:3:")
    }

    /// 10 MB without a line break has no table: the run finishes with exit 0 and a one-line
    /// warning, an empty document rather than an error.
    func testTenMegabytesOfTextWithoutANewlineWarnsOfNoTables() {
        let input = write("long.txt", [UInt8](repeating: 0x61, count: 10_000_000))
        let result = run([input, "-o", path("out.json")])
        XCTAssertEqual(result.code, 0, "\(result.errors)")
        XCTAssertEqual(result.errors.count, 1, "\(result.errors)")
        XCTAssertTrue(result.errors.first?.contains("warning: no tables found") ?? false, "\(result.errors)")
    }
}

/// ZIP archives for these tests, entry by entry (stored, or deflated through zlib).
enum ZipBuilder {
    /// An entry's data as the archive holds it.
    enum Payload {
        case stored([UInt8])
        /// Raw deflate data, the inflated size and its CRC.
        case deflated([UInt8], size: Int, crc: UInt32)
    }

    static func crc(_ bytes: [UInt8], _ start: UInt = 0) -> UInt {
        bytes.withUnsafeBufferPointer { crc32(start, $0.baseAddress, UInt32($0.count)) }
    }

    /// Raw deflate of the concatenated pieces, made piece by piece so that the whole is never held.
    static func deflate(pieces: [[UInt8]]) -> Payload {
        var stream = z_stream()
        deflateInit2_(&stream, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var compressed: [UInt8] = []
        var output = [UInt8](repeating: 0, count: 1 << 16)
        var checksum: UInt = 0
        var size = 0
        for (index, piece) in pieces.enumerated() {
            checksum = crc(piece, checksum)
            size += piece.count
            piece.withUnsafeBufferPointer { input in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                repeat {
                    output.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        _ = CZlib.deflate(&stream, index == pieces.count - 1 ? Z_FINISH : Z_NO_FLUSH)
                        compressed += out[0..<(out.count - Int(stream.avail_out))]
                    }
                } while stream.avail_out == 0
            }
        }
        return .deflated(compressed, size: size, crc: UInt32(checksum))
    }

    static func archive(_ entries: [(String, Payload)]) -> [UInt8] {
        var bytes: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ value: Int, _ into: inout [UInt8]) { into += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func le32(_ value: UInt32, _ into: inout [UInt8]) { for shift in [0, 8, 16, 24] { into.append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
        for (name, entry) in entries {
            let (payload, size, checksum, method): ([UInt8], Int, UInt32, Int)
            switch entry {
            case .stored(let data): (payload, size, checksum, method) = (data, data.count, UInt32(crc(data)), 0)
            case .deflated(let data, let inflated, let crc): (payload, size, checksum, method) = (data, inflated, crc, 8)
            }
            let nameBytes = Array(name.utf8)
            let offset = UInt32(bytes.count)
            le32(0x0403_4B50, &bytes); le16(20, &bytes); le16(0x800, &bytes); le16(method, &bytes); le16(0, &bytes); le16(0, &bytes)
            le32(checksum, &bytes); le32(UInt32(payload.count), &bytes); le32(UInt32(size), &bytes)
            le16(nameBytes.count, &bytes); le16(0, &bytes)
            bytes += nameBytes + payload
            le32(0x0201_4B50, &central); le16(20, &central); le16(20, &central); le16(0x800, &central); le16(method, &central)
            le16(0, &central); le16(0, &central); le32(checksum, &central); le32(UInt32(payload.count), &central)
            le32(UInt32(size), &central); le16(nameBytes.count, &central); le16(0, &central); le16(0, &central)
            le16(0, &central); le16(0, &central); le32(0, &central); le32(offset, &central)
            central += nameBytes
        }
        let centralOffset = UInt32(bytes.count)
        bytes += central
        le32(0x0605_4B50, &bytes); le16(0, &bytes); le16(0, &bytes); le16(entries.count, &bytes); le16(entries.count, &bytes)
        le32(UInt32(central.count), &bytes); le32(centralOffset, &bytes); le16(0, &bytes)
        return bytes
    }
}
