import XCTest
@testable import ZipArchive

/// The ZIP reader's resource bounds (`ZipReadLimits`): each limit's default, the error when an
/// archive passes it, and that raising it lets the archive through.
final class ZipBoundsTests: XCTestCase {
    private func readError(_ body: () throws -> Void) -> ZipReadError? {
        do {
            try body()
        } catch let error as ZipReadError {
            return error
        } catch {
            XCTFail("not a ZipReadError: \(error)")
        }
        return nil
    }

    func testDefaultsAreTheDocumentedLimits() {
        let limits = ZipReadLimits()
        XCTAssertEqual(limits.maximumEntryCount, 100_000)
        XCTAssertEqual(limits.maximumEntrySize, 8 << 30)
        XCTAssertEqual(limits.maximumTotalSize, 16 << 30)
        XCTAssertEqual(limits.maximumCompressionRatio, 500)
        XCTAssertEqual(limits.ratioGraceSize, 1 << 20)
    }

    func testEntryCountAboveTheLimitIsRefusedWhenTheArchiveOpens() throws {
        let members = (0..<11).map { ZipFixture.Member(name: "part\($0).xml", data: Array("<a/>".utf8)) }
        let archive = ZipFixture.archive(members)
        let error = readError { _ = try ZipReader(bytes: archive, limits: ZipReadLimits(maximumEntryCount: 10)) }
        XCTAssertEqual(error?.message, "the archive lists 11 entries, more than the limit of 10")
        XCTAssertEqual(try ZipReader(bytes: archive, limits: ZipReadLimits(maximumEntryCount: 11)).entries.count, 11)
    }

    /// The ZIP64 end record may claim 2⁶⁴−1 entries: refused before anything is allocated.
    func testZIP64EntryCountOfBillionsIsRefusedBeforeAllocating() throws {
        var archive = ZipFixture.archive([.init(name: "a.xml", data: Array("<a/>".utf8))], useZip64EndRecord: true)
        // The ZIP64 end record sits before the 20-byte locator and the 22-byte end record;
        // its entry counts are at offsets 24 and 32.
        let record = archive.count - 22 - 20 - 56
        XCTAssertEqual(Array(archive[record..<(record + 4)]), [0x50, 0x4B, 0x06, 0x06])
        for offset in (record + 24)..<(record + 40) { archive[offset] = 0xFF }
        let error = readError { _ = try ZipReader(bytes: archive) }
        XCTAssertEqual(error?.message, "the archive lists 18446744073709551615 entries, more than the limit of 100000")
    }

    /// A single entry declaring 10 GB (ZIP64 sizes) is refused before a byte is inflated.
    func testEntryDeclaringTenGigabytesIsRefusedBeforeInflating() throws {
        var archive = ZipFixture.archive([.init(name: "xl/worksheets/sheet1.xml", data: Array("<a/>".utf8), zip64: true)])
        // The ZIP64 extra field of the central header holds the uncompressed size first.
        let name = Array("xl/worksheets/sheet1.xml".utf8)
        let central = try XCTUnwrap((0..<(archive.count - 4)).first { archive[$0..<($0 + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) })
        let extra = central + 46 + name.count
        XCTAssertEqual(Array(archive[extra..<(extra + 2)]), [0x01, 0x00])
        let tenGigabytes: UInt64 = 10_000_000_000
        for index in 0..<8 { archive[extra + 4 + index] = UInt8((tenGigabytes >> UInt64(index * 8)) & 0xFF) }
        let zip = try ZipReader(bytes: archive)
        let entry = try XCTUnwrap(zip.entry(named: "xl/worksheets/sheet1.xml"))
        XCTAssertEqual(entry.uncompressedSize, tenGigabytes)
        let error = readError { _ = try zip.openEntry(entry) }
        XCTAssertEqual(error?.entry, "xl/worksheets/sheet1.xml")
        XCTAssertEqual(error?.message, "declares 10000000000 bytes, more than the limit of 8589934592")
    }

    /// An entry that inflates to more than it declares stops at the declared size.
    func testEntryInflatingPastItsDeclaredSizeStops() throws {
        var archive = ZipFixture.archive([.init(name: "a.xml", data: [UInt8](repeating: 0x61, count: 10_000))])
        // Lower the declared size in the central header (offset 24) to 100 bytes.
        let central = try XCTUnwrap((0..<(archive.count - 4)).first { archive[$0..<($0 + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]) })
        archive[central + 24] = 100
        archive[central + 25] = 0
        let zip = try ZipReader(bytes: archive)
        var inflated = 0
        let error = readError { try zip.forEachChunk(of: XCTUnwrap(zip.entry(named: "a.xml")), chunkSize: 64) { inflated += $0.count } }
        XCTAssertEqual(error?.message, "inflates to more than the 100 bytes it declares")
        XCTAssertLessThanOrEqual(inflated, 100)
    }

    /// The total over all entries read through one reader is bounded, whatever each entry does.
    func testTotalInflatedSizeIsBoundedAcrossEntries() throws {
        let data = [UInt8](repeating: 0x62, count: 600)
        let archive = ZipFixture.archive([.init(name: "a.xml", data: data), .init(name: "b.xml", data: data)])
        let zip = try ZipReader(bytes: archive, limits: ZipReadLimits(maximumTotalSize: 1_000))
        XCTAssertEqual(try zip.contents(of: XCTUnwrap(zip.entry(named: "a.xml"))), data)
        let error = readError { _ = try zip.contents(of: XCTUnwrap(zip.entry(named: "b.xml"))) }
        XCTAssertEqual(error?.entry, "b.xml")
        XCTAssertEqual(error?.message, "the archive inflates to more than the limit of 1000 bytes")
        let raised = try ZipReader(bytes: archive, limits: ZipReadLimits(maximumTotalSize: 1_200))
        for entry in raised.entries { XCTAssertEqual(try raised.contents(of: entry), data) }
    }

    /// The ratio applies once the grace size is out; raising it lets a highly compressible
    /// (but honest) entry through.
    func testCompressionRatioLimitAndRaisingIt() throws {
        let zeros = [UInt8](repeating: 0, count: 4 << 20)
        let archive = ZipFixture.archive([.init(name: "zeros.bin", data: zeros)])
        let strict = try ZipReader(bytes: archive)
        let error = readError { _ = try strict.contents(of: XCTUnwrap(strict.entry(named: "zeros.bin"))) }
        XCTAssertEqual(error?.message, "compression ratio above 500:1 (a ZIP bomb?); raise the limit to read it")
        let raised = try ZipReader(bytes: archive, limits: ZipReadLimits(maximumCompressionRatio: 2_000))
        XCTAssertEqual(try raised.contents(of: XCTUnwrap(raised.entry(named: "zeros.bin"))).count, zeros.count)
    }

    /// 42.zip-style nesting: an entry that is itself a ZIP is only bytes to this reader; it
    /// never opens archives inside archives, so nesting multiplies nothing.
    func testNestedArchiveIsReadAsPlainBytes() throws {
        let inner = ZipFixture.archive((0..<16).map { ZipFixture.Member(name: "\($0).zip", data: [UInt8](repeating: 0, count: 4_096)) })
        let outer = ZipFixture.archive((0..<16).map { ZipFixture.Member(name: "lib\($0).zip", data: inner) })
        let zip = try ZipReader(bytes: outer)
        var total = 0
        for entry in zip.entries { total += try zip.contents(of: entry).count }
        XCTAssertEqual(total, 16 * inner.count)
    }

    /// Entry names are names, never paths the reader resolves: `../` and absolute names are
    /// read like any other and touch no file.
    func testDotDotAndAbsoluteEntryNamesAreOnlyNames() throws {
        let archive = ZipFixture.archive([.init(name: "../../etc/passwd", data: Array("x".utf8)),
                                          .init(name: "/etc/shadow", data: Array("y".utf8))])
        let zip = try ZipReader(bytes: archive)
        XCTAssertEqual(zip.entries.map(\.name), ["../../etc/passwd", "/etc/shadow"])
        XCTAssertEqual(try zip.contents(of: XCTUnwrap(zip.entry(named: "../../etc/passwd"))), Array("x".utf8))
        XCTAssertNil(zip.findEntry("etc/passwd"))
        XCTAssertEqual(zip.findEntry("etc/shadow")?.name, "/etc/shadow")
    }
}
