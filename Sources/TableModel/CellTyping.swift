#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides whether a field read as text is a number or text, the one rule every reader of
/// untyped input (text, CSV) shares.
public struct CellTyping: Hashable, Sendable {
    /// How numbers are recognised.
    public var numberOptions: ExactDecimal.ParseOptions
    /// Integers of this many digits or more without separators stay text (ID numbers, long codes).
    public var longDigitRunAsText: Int

    public init(numberOptions: ExactDecimal.ParseOptions = .lenient, longDigitRunAsText: Int = 16) {
        self.numberOptions = numberOptions
        self.longDigitRunAsText = longDigitRunAsText
    }

    /// The default: thousands separators and accounting parentheses accepted.
    public static let standard = CellTyping()

    /// True for a column name that says its values are codes (`科目编码`, `代码`, `编号`, `ID`,
    /// `Code`): their digits stay text.
    public static func isIdentifierColumn(_ name: String) -> Bool {
        let lowered = name.lowercased()
        for marker in ["编码", "代码", "编号", "代号", "邮编", "身份证", "电话", "手机"] where containsBytes(name, marker) {
            return true
        }
        let words = lowered.split { !$0.isLetter && !$0.isNumber }
        return words.contains { ["id", "code", "zip", "postcode", "phone", "isbn", "sku"].contains($0) }
    }

    /// Whether `text` contains `part`, compared as UTF-8 bytes (Foundation's `contains` costs
    /// microseconds a call through NSString).
    private static func containsBytes(_ text: String, _ part: String) -> Bool {
        let haystack = Array(text.utf8)
        let needle = Array(part.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// The cell for one field. `identifier` keeps digits as text (a code column).
    public func cell(_ raw: String, identifier: Bool = false) -> Cell {
        if raw.isEmpty { return .empty }
        // A text cell keeps `raw` itself (no copy of its bytes).
        var copy = raw
        return copy.withUTF8 { numberCell(utf8: $0, identifier: identifier) } ?? .text(raw)
    }

    /// The cell for one field given as UTF-8 bytes, the hot path of streaming readers: a
    /// `String` is made only for text and for a number whose raw text differs from its canonical
    /// text. Returns `nil` when the bytes are not valid UTF-8.
    public func cell(utf8 bytes: UnsafeBufferPointer<UInt8>, identifier: Bool = false) -> Cell? {
        if bytes.isEmpty { return .empty }
        if let number = numberCell(utf8: bytes, identifier: identifier) { return number }
        // Decoding repairs invalid UTF-8, so the bytes were valid exactly when they come back
        // (ASCII always is).
        let text = String(decoding: bytes, as: UTF8.self)
        return Self.isASCII(bytes) || Self.equal(text, bytes) ? .text(text) : nil
    }

    /// The number cell for non-empty bytes, or `nil` when they are not a number.
    private func numberCell(utf8 bytes: UnsafeBufferPointer<UInt8>, identifier: Bool) -> Cell? {
        guard let first = bytes.first else { return nil }
        // Quick reject: a number starts with a digit, sign, point, parenthesis or U+2212.
        let mayBeNumber = (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2B || first == 0x2E
            || first == 0x28 || first == 0xE2
        if !identifier, mayBeNumber, let (value, isCanonical) = ExactDecimal.parseNotingForm(bytes, options: numberOptions) {
            let isLongDigitRun = value.scale == 0 && bytes.count >= longDigitRunAsText
                && value.text.utf8.count == bytes.count && !bytes.contains(0x2C)
            if !isLongDigitRun {
                // A parsed number is ASCII (or U+2212), so its bytes are valid UTF-8.
                if isCanonical { return .number(value, raw: nil) }
                return .number(value, raw: String(decoding: bytes, as: UTF8.self))
            }
        }
        return nil
    }

    /// True when no byte has its high bit set; eight bytes at a time.
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// True when `text` is made of exactly `bytes`.
    private static func equal(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == bytes.count else { return false }
        if let same = utf8.withContiguousStorageIfAvailable({ stored in
            stored.baseAddress.map { memcmp($0, bytes.baseAddress!, bytes.count) == 0 } ?? true
        }) {
            return same
        }
        return utf8.elementsEqual(bytes)
    }
}
