// JSONFormat: tabconv's JSON (the reference serialisation of the model), JSON Lines (tidy facts
// for warehouses) and a reader of tabconv's own JSON, so that `json → anything` works.
//
// Approach: the writers stream. `JSONWriter` writes a table's head when the table begins, each
// row as it comes (one row per line) and the repairs when it ends, so a million-row table never
// sits in memory; bytes go straight to a `ByteWriter`, numbers are their canonical digits (the
// exact literal, `9885.752630`), text is escaped on bytes. The reader is an own byte-level JSON
// scanner, not `JSONSerialization` (which would send every amount through `Double`), directed by
// the shape it expects, with the line and column of any bad byte in its errors.

import TableModel

/// Options of the JSON and JSON Lines writers.
public struct JSONWriteOptions: Hashable, Sendable {
    /// Writes numbers as JSON strings (`"9885.752630"`) instead of number literals, for consumers
    /// whose JSON parser turns every number into a `Double` (`--json-numbers string`).
    public var numbersAsStrings: Bool

    public init(numbersAsStrings: Bool = false) {
        self.numbersAsStrings = numbersAsStrings
    }
}

/// The JSON bytes the writers share: string escaping and number literals.
enum JSONBytes {
    /// True when `byte` cannot stand as itself inside a JSON string.
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` escaped for the inside of a JSON string (without the quotes): `"` and `\`
    /// get a backslash, control characters their short escape or `\u00XX`; everything else,
    /// U+2028 and U+2029 included, is written as it is.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard needsEscape(byte) else { continue }
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            runStart = index + 1
            output.append(0x5C)  // \
            switch byte {
            case 0x22: output.append(0x22)
            case 0x5C: output.append(0x5C)
            case 0x08: output.append(UInt8(ascii: "b"))
            case 0x0C: output.append(UInt8(ascii: "f"))
            case 0x0A: output.append(UInt8(ascii: "n"))
            case 0x0D: output.append(UInt8(ascii: "r"))
            case 0x09: output.append(UInt8(ascii: "t"))
            default:
                output.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            }
        }
        if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count])) }
    }

    /// Appends `string` as a quoted JSON string.
    static func appendString(_ string: String, to output: inout [UInt8]) {
        output.append(0x22)
        var copy = string
        copy.withUTF8 { appendEscaped($0, to: &output) }
        output.append(0x22)
    }

    /// Appends a number: its canonical digits as a literal, or as a string when `asString`.
    @inline(__always)
    static func appendNumber(_ value: ExactDecimal, asString: Bool, to output: inout [UInt8]) {
        if asString { output.append(0x22) }
        var text = value.text
        text.withUTF8 { output.append(contentsOf: $0) }
        if asString { output.append(0x22) }
    }

    /// Appends `value` in decimal digits.
    static func appendInteger(_ value: Int, to output: inout [UInt8]) {
        if value < 0 {
            output.append(0x2D)
            // The magnitude of Int.min does not fit an Int; print it through its digits.
            if value == Int.min { output.append(contentsOf: Array(String(value).utf8.dropFirst())); return }
            appendInteger(-value, to: &output)
            return
        }
        if value < 10 { output.append(0x30 + UInt8(value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while remaining > 0 {
                buffer[19 - count] = 0x30 + UInt8(remaining % 10)
                remaining /= 10
                count += 1
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(20 - count)...]))
        }
    }

    /// Appends an optional integer, `null` when absent.
    static func appendInteger(_ value: Int?, to output: inout [UInt8]) {
        if let value { appendInteger(value, to: &output) } else { appendNull(to: &output) }
    }

    /// Appends an optional string, `null` when absent.
    static func appendString(_ value: String?, to output: inout [UInt8]) {
        if let value { appendString(value, to: &output) } else { appendNull(to: &output) }
    }

    static func appendNull(to output: inout [UInt8]) {
        output.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])  // null
    }

    /// Appends ASCII punctuation or a key as written in the source (no escaping).
    @inline(__always)
    static func appendLiteral(_ literal: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
