import Foundation
import TableModel
import XCTest
@testable import ZipArchive

final class ZipWriterTests: XCTestCase {
    private typealias Entry = (name: String, bytes: [UInt8], level: Int)

    /// Entries covering the cases a reader must get right: empty, UTF-8 name, level 0,
    /// a part large enough to span several deflate output buffers.
    private func sampleEntries() -> [Entry] {
        var large: [UInt8] = []
        var state: UInt32 = 12345
        for index in 0..<400_000 {
            state = state &* 1_103_515_245 &+ 12345
            large.append(index % 7 == 0 ? UInt8(truncatingIfNeeded: state >> 16) : UInt8(0x61 + index % 13))
        }
        return [
            ("[Content_Types].xml", Array("<Types/>".utf8), 6),
            ("empty.txt", [], 6),
            ("xl/表格/预算01表.xml", Array("收支总表 9885.752630".utf8), 1),
            ("stored.bin", Array(0..<255), 0),
            ("large.bin", large, 1),
        ]
    }

    private func writeArchive(zip64: ZipWriter.ZIP64Mode = .automatic, background: Bool = false,
                              entries: [Entry]) throws -> [UInt8] {
        let sink = MemoryByteSink()
        let zip = ZipWriter(output: sink, zip64: zip64, deflatesInBackground: background)
        for entry in entries {
            if entry.bytes.count > 1000 {
                // Stream in uneven chunks, as a sheet writer does.
                try zip.beginEntry(entry.name, compressionLevel: entry.level)
                var start = 0
                var size = 1
                while start < entry.bytes.count {
                    let end = min(entry.bytes.count, start + size)
                    try zip.write(Array(entry.bytes[start..<end]))
                    start = end
                    size = size * 3 + 1
                }
                try zip.endEntry()
            } else {
                try zip.addEntry(entry.name, bytes: entry.bytes, compressionLevel: entry.level)
            }
        }
        try zip.finish()
        return sink.bytes
    }

    /// Runs `python3 ARGUMENTS ARCHIVE` and returns its output.
    private func runPython(_ arguments: [String], archive: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ZipWriterTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("archive.zip")
        try Data(archive).write(to: path)
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard let python = searchPath.split(separator: ":").map({ URL(fileURLWithPath: String($0)).appendingPathComponent("python3") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw XCTSkip("python3 is not on the PATH")
        }
        let process = Process()
        process.executableURL = python
        process.arguments = arguments + [path.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaints = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: complaints, as: UTF8.self))
        return String(decoding: printed, as: UTF8.self)
    }

    /// Python prints, per entry: name, size, CRC-32 of the content it inflated, and whether the
    /// central directory gave it a ZIP64 extra field.
    private let listingScript = """
    import sys, zipfile, zlib
    with zipfile.ZipFile(sys.argv[1]) as z:
        for i in z.infolist():
            data = z.read(i)
            zip64 = len(i.extra) >= 4 and i.extra[0:2] == b'\\x01\\x00'
            print(i.filename, len(data), zlib.crc32(data), zip64, sep='\\t')
    """

    private func expectedListing(_ entries: [Entry], zip64: Bool) -> String {
        entries.map { "\($0.name)\t\($0.bytes.count)\t\(crc32Of($0.bytes))\t\(zip64 ? "True" : "False")\n" }.joined()
    }

    /// A bitwise CRC-32, independent of zlib's.
    private func crc32Of(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && Array(haystack[start..<(start + needle.count)]) == needle {
            return start
        }
        return nil
    }

    private let zip64EndSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x06]
    private let zip64LocatorSignature: [UInt8] = [0x50, 0x4B, 0x06, 0x07]

    func testArchiveReadsBackWithPythonZipfile() throws {
        let entries = sampleEntries()
        let archive = try writeArchive(entries: entries)
        XCTAssertEqual(try runPython(["-c", listingScript], archive: archive), expectedListing(entries, zip64: false))
        // The zipfile module's own integrity test (inflates and checks every CRC).
        let tested = try runPython(["-m", "zipfile", "-t"], archive: archive)
        XCTAssertTrue(tested.contains("Done testing"), tested)
    }

    func testForcedZIP64ArchiveReadsBackWithPythonZipfile() throws {
        let entries = sampleEntries()
        let archive = try writeArchive(zip64: .always, entries: entries)
        XCTAssertEqual(try runPython(["-c", listingScript], archive: archive), expectedListing(entries, zip64: true))
        XCTAssertNotNil(find(zip64EndSignature, in: archive))
        XCTAssertNotNil(find(zip64LocatorSignature, in: archive))
        let tested = try runPython(["-m", "zipfile", "-t"], archive: archive)
        XCTAssertTrue(tested.contains("Done testing"), tested)
    }

    func testMoreThan65535EntriesGetZIP64EndRecord() throws {
        let sink = MemoryByteSink()
        let zip = ZipWriter(output: sink)
        for index in 0..<65_600 { try zip.addEntry("e\(index)", bytes: [], compressionLevel: 0) }
        try zip.finish()
        XCTAssertNotNil(find(zip64EndSignature, in: sink.bytes))
        let count = try runPython(["-c", "import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).infolist()))"],
                                  archive: sink.bytes)
        XCTAssertEqual(count, "65600\n")
    }

    func testSmallArchiveHasNoZIP64Records() throws {
        let archive = try writeArchive(entries: sampleEntries())
        XCTAssertNil(find(zip64EndSignature, in: archive))
        // The end of central directory record is the last 22 bytes and counts 5 entries.
        let end = Array(archive.suffix(22))
        XCTAssertEqual(Array(end[0..<4]), [0x50, 0x4B, 0x05, 0x06])
        XCTAssertEqual(end[10], 5)
    }

    func testSameInputGivesSameBytes() throws {
        let entries = sampleEntries()
        XCTAssertEqual(try writeArchive(entries: entries), try writeArchive(entries: entries))
        XCTAssertEqual(try writeArchive(zip64: .always, entries: entries),
                       try writeArchive(zip64: .always, entries: entries))
    }

    func testBackgroundDeflateGivesTheSameBytes() throws {
        let entries = sampleEntries()
        XCTAssertEqual(try writeArchive(background: true, entries: entries), try writeArchive(entries: entries))
        XCTAssertEqual(try writeArchive(zip64: .always, background: true, entries: entries),
                       try writeArchive(zip64: .always, entries: entries))
    }

    func testSinkFailureIsReportedWithTheEntry() throws {
        final class FailingSink: ByteSink {
            var allowed: Int
            init(allowed: Int) { self.allowed = allowed }
            func write(_ bytes: UnsafeRawBufferPointer) throws {
                allowed -= bytes.count
                if allowed < 0 { throw FormatError("disk full") }
            }
        }
        for background in [false, true] {
            let zip = ZipWriter(output: FailingSink(allowed: 1000), deflatesInBackground: background)
            try zip.beginEntry("big.bin", compressionLevel: 0)
            XCTAssertThrowsError(try {
                for _ in 0..<64 { try zip.write([UInt8](repeating: 7, count: 1 << 16)) }
                try zip.endEntry()
            }()) { error in
                XCTAssertEqual((error as? FormatError)?.message, "disk full")
                XCTAssertEqual((error as? FormatError)?.place, "big.bin")
            }
        }
    }

    func testEntryOfUnknownSizeAnnouncesVersion45() throws {
        let sink = MemoryByteSink()
        let zip = ZipWriter(output: sink)
        try zip.beginEntry("sheet.xml", compressionLevel: 1, mayExceed4GiB: true)
        try zip.write(Array("<x/>".utf8))
        try zip.endEntry()
        try zip.finish()
        XCTAssertEqual(Array(sink.bytes[4..<6]), [45, 0])  // local header: version needed
        XCTAssertNil(find(zip64EndSignature, in: sink.bytes))
        let listing = try runPython(["-c", listingScript], archive: sink.bytes)
        XCTAssertEqual(listing, "sheet.xml\t4\t\(crc32Of(Array("<x/>".utf8)))\tFalse\n")
    }

    func testEntriesAreDatedAtTheDOSEpoch() throws {
        let archive = try writeArchive(entries: [("a.txt", Array("a".utf8), 6)])
        // Local header: modification time at offset 10, date at 12 (1980-01-01 is 0x0021).
        XCTAssertEqual(Array(archive[10..<14]), [0x00, 0x00, 0x21, 0x00])
    }

    func testDuplicateEntryNameIsRejected() throws {
        let zip = ZipWriter(output: MemoryByteSink())
        try zip.addEntry("a.xml", bytes: [1])
        XCTAssertThrowsError(try zip.addEntry("a.xml", bytes: [2])) { error in
            XCTAssertEqual((error as? FormatError)?.place, "a.xml")
        }
    }

    func testCallsOutOfOrderAreErrors() throws {
        let zip = ZipWriter(output: MemoryByteSink())
        XCTAssertThrowsError(try zip.write([1, 2, 3]))
        XCTAssertThrowsError(try zip.endEntry())
        XCTAssertThrowsError(try zip.beginEntry("a", compressionLevel: 10))
        try zip.beginEntry("b")
        XCTAssertThrowsError(try zip.beginEntry("c"))
        XCTAssertThrowsError(try zip.finish())
    }
}
