import TableModel

/// The JSON writers fill TableModel's `RawByteBuffer`; these are their JSON appends (public, so
/// that other reports written as JSON, such as `tabconv check --to json`, escape the same way).
extension RawByteBuffer {
    public mutating func appendNull() { append("null") }

    /// Appends `string` as a quoted JSON string: `"` and `\` get a backslash, control characters
    /// their short escape or `\u00XX`; everything else, U+2028 and U+2029 included, is written as it is.
    @inline(__always)
    public mutating func appendString(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil {
            var copy = string
            copy.withUTF8 { appendQuoted($0) }
        }
    }

    /// Appends an optional string, `null` when absent.
    public mutating func appendString(_ value: String?) {
        if let value { appendString(value) } else { appendNull() }
    }

    public mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count + 2)
        append(0x22)
        if let escapeAt = JSONEscaping.firstEscapeIndex(bytes) {
            append(UnsafeBufferPointer(rebasing: bytes[..<escapeAt]))
            appendEscaped(UnsafeBufferPointer(rebasing: bytes[escapeAt...]))
        } else {
            append(bytes)
        }
        append(0x22)
    }

    private mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes {
            guard JSONEscaping.needsEscape(byte) else {
                append(byte)
                continue
            }
            append(0x5C)  // \
            switch byte {
            case 0x22, 0x5C: append(byte)
            case 0x08: append(UInt8(ascii: "b"))
            case 0x0C: append(UInt8(ascii: "f"))
            case 0x0A: append(UInt8(ascii: "n"))
            case 0x0D: append(UInt8(ascii: "r"))
            case 0x09: append(UInt8(ascii: "t"))
            default:
                append("u00")
                append(JSONEscaping.hexDigit(byte >> 4))
                append(JSONEscaping.hexDigit(byte & 0x0F))
            }
        }
    }

    /// Appends a number: its canonical digits as a literal, or as a string when `asString`.
    @inline(__always)
    public mutating func appendNumber(_ value: ExactDecimal, asString: Bool) {
        if value.text.utf8.withContiguousStorageIfAvailable({ appendDigits($0, asString: asString) }) == nil {
            var text = value.text
            text.withUTF8 { appendDigits($0, asString: asString) }
        }
    }

    @inline(__always)
    private mutating func appendDigits(_ digits: UnsafeBufferPointer<UInt8>, asString: Bool) {
        if asString {
            reserve(digits.count + 2)
            append(0x22)
            append(digits)
            append(0x22)
        } else {
            append(digits)
        }
    }

    /// Appends `value` in decimal digits.
    public mutating func appendInteger(_ value: Int) { append(decimal: value) }

    /// Appends an optional integer, `null` when absent.
    public mutating func appendInteger(_ value: Int?) {
        if let value { appendInteger(value) } else { appendNull() }
    }
}

/// Which bytes a JSON string cannot hold as they are.
enum JSONEscaping {
    @inline(__always)
    static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    static func hexDigit(_ value: UInt8) -> UInt8 { value < 10 ? 0x30 + value : 0x61 + value - 10 }

    /// The index of the first byte that needs an escape, or `nil`; eight bytes at a time.
    @inline(__always)
    static func firstEscapeIndex(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let start = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(start)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // A byte is < 0x20, or equal to `"` or `\`, when one of these has its high bit set
            // for a byte whose own high bit is clear (bytes of UTF-8 sequences never match).
            let control = word &- ones &* 0x20
            let quote = (word ^ (ones &* 0x22)) &- ones
            let backslash = (word ^ (ones &* 0x5C)) &- ones
            if (control | quote | backslash) & ~word & highs != 0 { break }
            index += 8
        }
        while index < bytes.count {
            if needsEscape(bytes[index]) { return index }
            index += 1
        }
        return nil
    }
}
