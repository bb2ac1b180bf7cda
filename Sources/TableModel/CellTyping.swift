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
        if identifier { return .text(raw) }
        var copy = raw
        return copy.withUTF8 { bytes -> Cell in
            guard let first = bytes.first else { return .empty }
            // Quick reject: a number starts with a digit, sign, point, parenthesis or U+2212.
            guard (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2B || first == 0x2E
                || first == 0x28 || first == 0xE2 else { return .text(raw) }
            guard let value = ExactDecimal.parse(bytes, options: numberOptions) else { return .text(raw) }
            if value.scale == 0 && bytes.count >= longDigitRunAsText
                && !bytes.contains(0x2C) && value.text.utf8.count == bytes.count {
                return .text(raw)
            }
            return .number(value, raw: value.text == raw ? nil : raw)
        }
    }
}
