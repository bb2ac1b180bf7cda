import CZlib
import XCTest
@testable import ZipArchive

/// Builds ZIP archives byte by byte, so that each test shows the structure it exercises.
struct ZipFixture {
    struct Member {
        var name: String
        var data: [UInt8]
        var deflated = true
        var flags: UInt16 = 0
        var corruptCRC = false
        var zip64 = false
    }

    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 64)
        var input = data
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output[0..<written])
    }

    static func crc(_ data: [UInt8]) -> UInt32 {
        UInt32(data.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) })
    }

    static func archive(_ members: [Member], useZip64EndRecord: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        var central: [UInt8] = []
        func le16(_ value: UInt16, _ into: inout [UInt8]) { into += [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func le32(_ value: UInt32, _ into: inout [UInt8]) { for shift in stride(from: 0, to: 32, by: 8) { into.append(UInt8((value >> UInt32(shift)) & 0xFF)) } }
        func le64(_ value: UInt64, _ into: inout [UInt8]) { for shift in stride(from: 0, to: 64, by: 8) { into.append(UInt8((value >> UInt64(shift)) & 0xFF)) } }
        for member in members {
            let payload = member.deflated ? deflate(member.data) : member.data
            var crc = crc(member.data)
            if member.corruptCRC { crc ^= 0xFFFF }
            let offset = UInt32(bytes.count)
            let name = Array(member.name.utf8)
            let usesDescriptor = member.flags & 8 != 0
            le32(0x0403_4B50, &bytes); le16(20, &bytes); le16(member.flags, &bytes); le16(member.deflated ? 8 : 0, &bytes)
            le16(0, &bytes); le16(0, &bytes)
            le32(usesDescriptor ? 0 : crc, &bytes)
            le32(usesDescriptor ? 0 : UInt32(payload.count), &bytes); le32(usesDescriptor ? 0 : UInt32(member.data.count), &bytes)
            le16(UInt16(name.count), &bytes); le16(0, &bytes)
            bytes += name
            bytes += payload
            if usesDescriptor {
                le32(0x0807_4B50, &bytes); le32(crc, &bytes); le32(UInt32(payload.count), &bytes); le32(UInt32(member.data.count), &bytes)
            }
            var extra: [UInt8] = []
            if member.zip64 {
                le16(1, &extra); le16(24, &extra)
                le64(UInt64(member.data.count), &extra); le64(UInt64(payload.count), &extra); le64(UInt64(offset), &extra)
            }
            le32(0x0201_4B50, &central); le16(20, &central); le16(20, &central); le16(member.flags, &central)
            le16(member.deflated ? 8 : 0, &central); le16(0, &central); le16(0, &central); le32(crc, &central)
            le32(member.zip64 ? 0xFFFF_FFFF : UInt32(payload.count), &central)
            le32(member.zip64 ? 0xFFFF_FFFF : UInt32(member.data.count), &central)
            le16(UInt16(name.count), &central); le16(UInt16(extra.count), &central); le16(0, &central)
            le16(0, &central); le16(0, &central); le32(0, &central)
            le32(member.zip64 ? 0xFFFF_FFFF : offset, &central)
            central += name
            central += extra
        }
        let centralOffset = UInt32(bytes.count)
        bytes += central
        if useZip64EndRecord {
            let recordOffset = UInt64(bytes.count)
            le32(0x0606_4B50, &bytes); le64(44, &bytes); le16(45, &bytes); le16(45, &bytes); le32(0, &bytes); le32(0, &bytes)
            le64(UInt64(members.count), &bytes); le64(UInt64(members.count), &bytes)
            le64(UInt64(central.count), &bytes); le64(UInt64(centralOffset), &bytes)
            le32(0x0706_4B50, &bytes); le32(0, &bytes); le64(recordOffset, &bytes); le32(1, &bytes)
        }
        le32(0x0605_4B50, &bytes); le16(0, &bytes); le16(0, &bytes)
        le16(useZip64EndRecord ? 0xFFFF : UInt16(members.count), &bytes); le16(useZip64EndRecord ? 0xFFFF : UInt16(members.count), &bytes)
        le32(useZip64EndRecord ? 0xFFFF_FFFF : UInt32(central.count), &bytes)
        le32(useZip64EndRecord ? 0xFFFF_FFFF : centralOffset, &bytes)
        le16(0, &bytes)
        return bytes
    }
}

final class ZipReaderTests: XCTestCase {
    private let text = Array(String(repeating: "<row><c>42</c></row>", count: 500).utf8)

    private func assertReadError(_ body: @autoclosure () throws -> Any, contains fragment: String, entry: String? = nil,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let readError = error as? ZipReadError else { return XCTFail("not a ZipReadError: \(error)", file: file, line: line) }
            XCTAssertTrue(readError.message.contains(fragment), "\(readError.message)", file: file, line: line)
            if let entry { XCTAssertEqual(readError.entry, entry, file: file, line: line) }
        }
    }

    func testStoredAndDeflatedEntriesReadBack() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([
            .init(name: "a.xml", data: text, deflated: true),
            .init(name: "b.txt", data: Array("plain".utf8), deflated: false),
        ]))
        XCTAssertEqual(zip.entries.map(\.name), ["a.xml", "b.txt"])
        XCTAssertEqual(try zip.contents(of: XCTUnwrap(zip.entry(named: "a.xml"))), text)
        XCTAssertEqual(try zip.contents(of: XCTUnwrap(zip.entry(named: "b.txt"))), Array("plain".utf8))
    }

    func testEntryStreamsInChunksOfTheRequestedSize() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "a.xml", data: text)]))
        var sizes: [Int] = []
        var joined: [UInt8] = []
        try zip.forEachChunk(of: XCTUnwrap(zip.entry(named: "a.xml")), chunkSize: 1000) { chunk in
            sizes.append(chunk.count)
            joined += chunk
        }
        XCTAssertEqual(joined, text)
        XCTAssertTrue(sizes.allSatisfy { $0 <= 1000 })
        XCTAssertEqual(sizes.count, (text.count + 999) / 1000)
    }

    func testFindEntryToleratesCaseBackslashesAndLeadingSlash() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "xl\\Worksheets\\Sheet1.xml", data: text)]))
        XCTAssertNil(zip.entry(named: "xl/worksheets/sheet1.xml"))
        XCTAssertEqual(zip.findEntry("/xl/worksheets/sheet1.xml")?.name, "xl\\Worksheets\\Sheet1.xml")
    }

    func testZIP64EndRecordAndExtraFieldAreRead() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "big.xml", data: text, zip64: true)], useZip64EndRecord: true))
        let entry = try XCTUnwrap(zip.entry(named: "big.xml"))
        XCTAssertEqual(entry.uncompressedSize, UInt64(text.count))
        XCTAssertEqual(try zip.contents(of: entry), text)
    }

    func testDataDescriptorEntryUsesCentralDirectorySizes() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "d.xml", data: text, flags: 8)]))
        XCTAssertEqual(try zip.contents(of: XCTUnwrap(zip.entry(named: "d.xml"))), text)
    }

    func testCRCMismatchIsAnErrorNamingTheEntry() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "bad.xml", data: text, corruptCRC: true)]))
        assertReadError(try zip.contents(of: XCTUnwrap(zip.entry(named: "bad.xml"))), contains: "CRC", entry: "bad.xml")
    }

    func testEncryptedEntryIsRefused() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "secret.xml", data: text, flags: 1)]))
        assertReadError(try zip.contents(of: XCTUnwrap(zip.entry(named: "secret.xml"))), contains: "encrypted", entry: "secret.xml")
    }

    func testTruncatedArchiveIsAnError() {
        let archive = ZipFixture.archive([.init(name: "a.xml", data: text)])
        assertReadError(try ZipReader(bytes: Array(archive.prefix(archive.count / 2))), contains: "truncated")
    }

    func testTextFileIsNotAZip() {
        assertReadError(try ZipReader(bytes: Array("name,amount\nrent,12.50\n".utf8)), contains: "not a ZIP archive")
        assertReadError(try ZipReader(bytes: []), contains: "empty")
    }

    func testCompoundFileIsRecognisedAsEncryptedOrLegacy() {
        let header: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504)
        assertReadError(try ZipReader(bytes: header), contains: "encrypted")
    }

    func testMissingFileIsAnError() {
        assertReadError(try ZipReader(path: "/nonexistent-dir/book.xlsx"), contains: "cannot open")
    }

    /// A gigabyte of zeros deflates to about a megabyte: the reader must stop early on the
    /// ratio, not inflate it all.
    func testZipBombStopsOnTheCompressionRatio() throws {
        var stream = z_stream()
        deflateInit2_(&stream, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var compressed: [UInt8] = []
        var output = [UInt8](repeating: 0, count: 1 << 16)
        var crc: UInt = 0
        for round in 0..<1024 {
            zeros.withUnsafeBufferPointer { input in
                crc = crc32(crc, input.baseAddress, UInt32(input.count))
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                repeat {
                    output.withUnsafeMutableBufferPointer { out in
                        stream.next_out = out.baseAddress
                        stream.avail_out = UInt32(out.count)
                        _ = CZlib.deflate(&stream, round == 1023 ? Z_FINISH : Z_NO_FLUSH)
                        compressed += out[0..<(out.count - Int(stream.avail_out))]
                    }
                } while stream.avail_out == 0
            }
        }
        deflateEnd(&stream)
        // Patch the sizes and CRC of a one-entry archive around the compressed data.
        var archive = ZipFixture.archive([.init(name: "xl/worksheets/sheet1.xml", data: [], deflated: false)])
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        let localHeaderLength = 30 + name.count
        let tailStart = localHeaderLength
        var bomb = Array(archive[0..<localHeaderLength]) + compressed
        let centralOffset = bomb.count
        var tail = Array(archive[tailStart...])
        func put32(_ value: UInt32, _ array: inout [UInt8], at offset: Int) {
            for index in 0..<4 { array[offset + index] = UInt8((value >> UInt32(index * 8)) & 0xFF) }
        }
        put32(UInt32(crc), &bomb, at: 14); put32(UInt32(compressed.count), &bomb, at: 18); put32(1 << 30, &bomb, at: 22)
        bomb[8] = 8
        tail[10] = 8
        put32(UInt32(crc), &tail, at: 16); put32(UInt32(compressed.count), &tail, at: 20); put32(1 << 30, &tail, at: 24)
        put32(UInt32(centralOffset), &tail, at: tail.count - 6)
        archive = bomb + tail
        let zip = try ZipReader(bytes: archive)
        let entry = try XCTUnwrap(zip.entry(named: "xl/worksheets/sheet1.xml"))
        XCTAssertEqual(entry.uncompressedSize, 1 << 30)
        var inflated = 0
        XCTAssertThrowsError(try zip.forEachChunk(of: entry) { inflated += $0.count }) { error in
            XCTAssertEqual((error as? ZipReadError)?.entry, "xl/worksheets/sheet1.xml")
            XCTAssertTrue("\(error)".contains("compression ratio"), "\(error)")
        }
        XCTAssertLessThan(inflated, 16 << 20)
    }

    func testEntryLargerThanTheLimitIsRefusedBeforeInflating() throws {
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "a.xml", data: text)]),
                                limits: ZipReadLimits(maximumEntrySize: 100))
        assertReadError(try zip.contents(of: XCTUnwrap(zip.entry(named: "a.xml"))), contains: "limit", entry: "a.xml")
    }

    func testReadAheadDeliversTheSameBytesAndErrors() throws {
        let big = Array(String(repeating: "<c r=\"A1\"><v>1.5</v></c>", count: 100_000).utf8)
        let zip = try ZipReader(bytes: ZipFixture.archive([.init(name: "a.xml", data: big), .init(name: "bad.xml", data: big, corruptCRC: true)]))
        let chunks = ZipReadAhead(try zip.openEntry(XCTUnwrap(zip.entry(named: "a.xml"))), chunkSize: 4096, depth: 3)
        var joined: [UInt8] = []
        while let chunk = try chunks.nextChunk() { joined += chunk }
        XCTAssertEqual(joined, big)
        let bad = ZipReadAhead(try zip.openEntry(XCTUnwrap(zip.entry(named: "bad.xml"))))
        assertReadError(try { () -> Int in var count = 0; while let chunk = try bad.nextChunk() { count += chunk.count }; return count }(), contains: "CRC", entry: "bad.xml")
        // Dropped half-way: the background thread stops instead of blocking forever.
        let abandoned = ZipReadAhead(try zip.openEntry(XCTUnwrap(zip.entry(named: "a.xml"))), chunkSize: 1024, depth: 2)
        _ = try abandoned.nextChunk()
    }
}
