import XCTest
@testable import TableModel

final class DecodeToUTF8Tests: XCTestCase {
    func testUTF8WithoutMarkIsReturnedAsIs() throws {
        let bytes = Array("预算01表\t收入\n".utf8)
        let decoded = try TextDecoding.decodeToUTF8(bytes)
        XCTAssertEqual(decoded.utf8, bytes)
        XCTAssertEqual(decoded.encoding, .utf8)
    }

    func testMarkIsDroppedAndInvalidBytesAfterItReplacedAsDecodeDoes() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("收".utf8) + [0xFF] + Array("入".utf8)
        let decoded = try TextDecoding.decodeToUTF8(bytes)
        XCTAssertEqual(decoded.utf8, Array("收\u{FFFD}入".utf8))
        XCTAssertEqual(decoded.utf8, Array(try TextDecoding.decode(bytes).text.utf8))
    }

    func testGB18030IsConvertedToUTF8() throws {
        let decoded = try TextDecoding.decodeToUTF8([0xCA, 0xD5, 0xC8, 0xEB, 0x0A])
        XCTAssertEqual(decoded.utf8, Array("收入\n".utf8))
        XCTAssertEqual(decoded.encoding, .gb18030)
    }

    func testTruncatedAndOverlongSequencesAreFound() {
        let truncated: [UInt8] = Array("收".utf8) + [0xE5, 0x85]
        XCTAssertEqual(truncated.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8Offset($0) }, 3)
        XCTAssertNil(truncated.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8Offset($0, allowTruncatedEnd: true) })
        let badThird: [UInt8] = [0x41, 0xE5, 0x85, 0x41]
        XCTAssertEqual(badThird.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8Offset($0) }, 1)
        let badFourth: [UInt8] = [0xF0, 0x9F, 0x98, 0x41]
        XCTAssertEqual(badFourth.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8Offset($0) }, 0)
        let overlong: [UInt8] = [0xE0, 0x80, 0x80]
        XCTAssertEqual(overlong.withUnsafeBufferPointer { TextDecoding.firstInvalidUTF8Offset($0) }, 0)
    }
}
