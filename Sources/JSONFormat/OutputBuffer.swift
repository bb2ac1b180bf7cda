import TableModel

/// A growable byte buffer the writers fill with JSON: appends are inlined pointer writes. The
/// owner allocates it once and calls `deallocate()` when done; copies share the storage, so a
/// writer works on a local copy during a row and stores it back (sparing the dynamic exclusivity
/// check a class property costs on every append).
struct OutputBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    func deallocate() { base.deallocate() }

    /// The bytes written so far.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    mutating func removeAll() { count = 0 }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        if bytes.count <= 16 {  // short runs: a loop beats the call to memmove
            for offset in 0..<bytes.count { base[count + offset] = source[offset] }
        } else {
            (base + count).update(from: source, count: bytes.count)
        }
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Appends ASCII punctuation or a key as written in the source (no escaping).
    @inline(__always)
    mutating func appendLiteral(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func appendNull() { appendLiteral("null") }

    /// Appends `string` as a quoted JSON string: `"` and `\` get a backslash, control characters
    /// their short escape or `\u00XX`; everything else, U+2028 and U+2029 included, is written as it is.
    @inline(__always)
    mutating func appendString(_ string: String) {
        if string.utf8.withContiguousStorageIfAvailable({ appendQuoted($0) }) == nil {
            var copy = string
            copy.withUTF8 { appendQuoted($0) }
        }
    }

    /// Appends an optional string, `null` when absent.
    mutating func appendString(_ value: String?) {
        if let value { appendString(value) } else { appendNull() }
    }

    mutating func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count + 2)
        base[count] = 0x22
        count += 1
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
                appendLiteral("u00")
                append(JSONEscaping.hexDigit(byte >> 4))
                append(JSONEscaping.hexDigit(byte & 0x0F))
            }
        }
    }

    /// Appends a number: its canonical digits as a literal, or as a string when `asString`.
    @inline(__always)
    mutating func appendNumber(_ value: ExactDecimal, asString: Bool) {
        if value.text.utf8.withContiguousStorageIfAvailable({ appendDigits($0, asString: asString) }) == nil {
            var text = value.text
            text.withUTF8 { appendDigits($0, asString: asString) }
        }
    }

    @inline(__always)
    private mutating func appendDigits(_ digits: UnsafeBufferPointer<UInt8>, asString: Bool) {
        if asString {
            reserve(digits.count + 2)
            base[count] = 0x22
            count += 1
            append(digits)
            base[count] = 0x22
            count += 1
        } else {
            append(digits)
        }
    }

    /// Appends `value` in decimal digits.
    mutating func appendInteger(_ value: Int) {
        reserve(20)
        var magnitude = value.magnitude
        if value < 0 {
            base[count] = 0x2D
            count += 1
        }
        var digitCount = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digitCount += 1
        }
        var position = count + digitCount - 1
        repeat {
            base[position] = 0x30 + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        count += digitCount
    }

    /// Appends an optional integer, `null` when absent.
    mutating func appendInteger(_ value: Int?) {
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
