import Foundation
import XCTest
@testable import TableModel

final class ExactDecimalTests: XCTestCase {
    func testThousandsSeparatorsAreDroppedAndScaleKept() {
        let value = ExactDecimal("9,885.752630")
        XCTAssertEqual(value?.text, "9885.752630")
        XCTAssertEqual(value?.scale, 6)
        XCTAssertEqual(value?.groupedText, "9,885.752630")
    }

    func testSignsAndParentheses() {
        XCTAssertEqual(ExactDecimal("-0.5")?.text, "-0.5")
        XCTAssertEqual(ExactDecimal("(1,234.50)")?.text, "-1234.50")
        XCTAssertEqual(ExactDecimal("+3")?.text, "3")
        XCTAssertEqual(ExactDecimal("−7.25")?.text, "-7.25")
        XCTAssertEqual(ExactDecimal(".5")?.text, "0.5")
        XCTAssertNil(ExactDecimal("(1.5)", options: .plain))
        XCTAssertNil(ExactDecimal("1,234", options: .plain))
    }

    func testNegativeZeroKeepsItsSign() {
        XCTAssertEqual(ExactDecimal("-0")?.text, "-0")
        XCTAssertEqual(ExactDecimal("-0.000")?.text, "-0.000")
        XCTAssertTrue(ExactDecimal("-0.000")!.isZero)
    }

    func testNonNumbersAreRejected() {
        for text in ["", "-", "()", "020101", "00.5", "1,23", "12,3456", ",123", "1,,234", "1.", "1.2.3",
                     "1e5", "12a", "a12", " 1", "1 ", "--1", "(1", "1)", "1,234,56", "0,123"] {
            XCTAssertNil(ExactDecimal(text), "\(text) is not a number")
        }
    }

    func testThirtyEightDigitsAreTheLimit() {
        let digits38 = String(repeating: "9", count: 38)
        XCTAssertEqual(ExactDecimal(digits38)?.text, digits38)
        XCTAssertNil(ExactDecimal(digits38 + "9"))
        XCTAssertEqual(ExactDecimal("0.000" + digits38)?.scale, 41, "leading zeros are not significant")
        XCTAssertEqual(ExactDecimal("12345678901234567890.123456789012345678")?.significantDigitCount, 38)
    }

    func testShiftMovesThePointExactly() {
        XCTAssertEqual(ExactDecimal("9885.752630")!.shifted(by: 4).text, "98857526.30")
        XCTAssertEqual(ExactDecimal("0.500000")!.shifted(by: 4).text, "5000.00")
        XCTAssertEqual(ExactDecimal("-1.5")!.shifted(by: 4).text, "-15000")
        XCTAssertEqual(ExactDecimal("12")!.shifted(by: -4).text, "0.0012")
        XCTAssertEqual(ExactDecimal("0.000001")!.shifted(by: 4).text, "0.01")
    }

    func testDecimalArithmeticAndFormattingAtAScale() {
        let sum = ExactDecimal("217.301157")!.decimal + ExactDecimal("7.000000")!.decimal
        XCTAssertEqual(ExactDecimal(sum, scale: 6).text, "224.301157")
        XCTAssertEqual(ExactDecimal(Decimal(string: "-0.5")!, scale: 3).text, "-0.500")
        XCTAssertEqual(ExactDecimal(Decimal(0), scale: 2).text, "0.00")
        XCTAssertEqual(ExactDecimal(Decimal(string: "1.23456")!, scale: 2).text, "1.23")
        XCTAssertEqual(ExactDecimal("(1,234.50)")!.decimal, Decimal(string: "-1234.5"))
    }

    /// parse → format → parse is the identity over random decimals: 0–38 digits, scale 0–12,
    /// signs and thousands separators.
    func testParseFormatParseIsIdentity() {
        var generator = SplitMix64(seed: 20261125)
        for _ in 0..<20_000 {
            let scale = Int(generator.next() % 13)
            let totalDigits = max(Int(generator.next() % 39), scale == 0 ? 1 : scale)
            let integerCount = max(totalDigits - scale, 0)
            var integer = (0..<integerCount).map { _ in Character(String(generator.next() % 10)) }
            while integer.count > 1 && integer.first == "0" { integer.removeFirst() }
            if integer.isEmpty { integer = ["0"] }
            let fraction = String((0..<scale).map { _ in Character(String(generator.next() % 10)) })
            let integerText = String(integer)
            let grouped = generator.next() % 2 == 0
            var printed = grouped ? ExactDecimal(integerText)!.groupedText : integerText
            if scale > 0 { printed += "." + fraction }
            let significant = (integerText + fraction).drop { $0 == "0" }.count
            let sign = generator.next() % 3
            let written = sign == 0 ? printed : (sign == 1 ? "-" + printed : "+" + printed)
            guard let first = ExactDecimal(written) else {
                XCTAssertGreaterThan(significant, 38, "\(written) should parse")
                continue
            }
            XCTAssertEqual(first.scale, scale, written)
            XCTAssertEqual(first.text, (sign == 1 ? "-" : "") + integerText + (scale > 0 ? "." + fraction : ""))
            let again = ExactDecimal(first.text, options: .plain)
            XCTAssertEqual(again, first, written)
            XCTAssertEqual(ExactDecimal(first.groupedText), first, written)
        }
    }

    func testCellTypingKeepsIdentifiersAsText() {
        let typing = CellTyping.standard
        XCTAssertEqual(typing.cell("020101"), .text("020101"))
        XCTAssertEqual(typing.cell("11000022Y0000"), .text("11000022Y0000"))
        XCTAssertEqual(typing.cell("1234567890123456"), .text("1234567890123456"))
        XCTAssertEqual(typing.cell("2010350", identifier: true), .text("2010350"))
        XCTAssertEqual(typing.cell("9,885.752630"), .number(ExactDecimal("9885.752630")!, raw: "9,885.752630"))
        XCTAssertEqual(typing.cell("0.500000"), .number(ExactDecimal("0.500000")!, raw: nil))
        XCTAssertEqual(typing.cell(""), .empty)
        XCTAssertTrue(CellTyping.isIdentifierColumn("科目编码"))
        XCTAssertTrue(CellTyping.isIdentifierColumn("Account code"))
        XCTAssertFalse(CellTyping.isIdentifierColumn("合计"))
    }
}

/// A small deterministic generator for property tests.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

final class TextDecodingTests: XCTestCase {
    func testUTF8WithAndWithoutBOM() throws {
        XCTAssertEqual(try TextDecoding.decode(Array("收入".utf8)).text, "收入")
        let decoded = try TextDecoding.decode([0xEF, 0xBB, 0xBF] + Array("收入".utf8))
        XCTAssertEqual(decoded.text, "收入")
        XCTAssertEqual(decoded.encoding, .utf8)
    }

    func testGB18030WhenNotUTF8() throws {
        // 收入 in GB18030 (GBK range): CA D5 C8 EB
        let decoded = try TextDecoding.decode([0xCA, 0xD5, 0xC8, 0xEB, 0x0A])
        XCTAssertEqual(decoded.text, "收入\n")
        XCTAssertEqual(decoded.encoding, .gb18030)
    }

    func testUTF16WithBOM() throws {
        XCTAssertEqual(try TextDecoding.decode([0xFF, 0xFE, 0x36, 0x65, 0x65, 0x51]).text, "收入")
        XCTAssertEqual(try TextDecoding.decode([0xFE, 0xFF, 0x65, 0x36, 0x51, 0x65]).text, "收入")
    }

    func testUndecodableBytesNameTheOffset() {
        XCTAssertThrowsError(try TextDecoding.decode([0x41, 0x0A, 0xFF, 0xFF])) { error in
            XCTAssertEqual((error as? FormatError)?.place, "byte 2")
        }
    }

    func testTranscoderKeepsASequenceCutBetweenChunks() throws {
        let converter = try Transcoder(from: .gb18030)
        let first = try converter.convert([0xCA, 0xD5, 0xC8], isFinal: false)
        let second = try converter.convert([0xEB], isFinal: true)
        XCTAssertEqual(String(decoding: first + second, as: UTF8.self), "收入")
    }
}
