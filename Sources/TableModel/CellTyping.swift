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
        for marker in ["编码", "代码", "编号", "代号", "邮编", "身份证", "电话", "手机"] where name.contains(marker) {
            return true
        }
        let words = lowered.split { !$0.isLetter && !$0.isNumber }
        return words.contains { ["id", "code", "zip", "postcode", "phone", "isbn", "sku"].contains($0) }
    }

    /// The cell for one field. `identifier` keeps digits as text (a code column).
    public func cell(_ raw: String, identifier: Bool = false) -> Cell {
        var copy = raw
        return copy.withUTF8 { cell(utf8: $0, identifier: identifier) } ?? .text(raw)
    }

    /// The cell for one field given as UTF-8 bytes, the hot path of streaming readers: a
    /// `String` is made only for text and for a number whose raw text differs from its canonical
    /// text. Returns `nil` when the bytes are not valid UTF-8.
    public func cell(utf8 bytes: UnsafeBufferPointer<UInt8>, identifier: Bool = false) -> Cell? {
        guard let first = bytes.first else { return .empty }
        // Quick reject: a number starts with a digit, sign, point, parenthesis or U+2212.
        let mayBeNumber = (first >= 0x30 && first <= 0x39) || first == 0x2D || first == 0x2B || first == 0x2E
            || first == 0x28 || first == 0xE2
        if !identifier, mayBeNumber, let value = ExactDecimal.parse(bytes, options: numberOptions) {
            let canonical = value.text.utf8
            let isLongDigitRun = value.scale == 0 && bytes.count >= longDigitRunAsText
                && canonical.count == bytes.count && !bytes.contains(0x2C)
            if !isLongDigitRun {
                // A parsed number is ASCII (or U+2212), so its bytes are valid UTF-8.
                if canonical.elementsEqual(bytes) { return .number(value, raw: nil) }
                return .number(value, raw: String(decoding: bytes, as: UTF8.self))
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return .text(text)
    }
}
