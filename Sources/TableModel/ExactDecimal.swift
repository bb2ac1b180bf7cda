import Foundation

/// An exact decimal number as printed: its digits and its scale (the count of fraction digits).
///
/// The value is kept as canonical text, validated once by a byte-level scanner and written back
/// from those bytes, so `9,885.752630` becomes `9885.752630` and never `9885.75263`. Nothing here
/// goes through `Double`; a Foundation `Decimal` is made only on demand, for arithmetic.
///
/// Canonical text: an optional `-`, the integer digits without leading zeros (`0` when the integer
/// part is zero), then, when `scale > 0`, a `.` and exactly `scale` fraction digits. A negative zero
/// keeps its sign (`-0.00`), so that reading and writing never changes what was printed.
public struct ExactDecimal: Hashable, Sendable, CustomStringConvertible {
    /// The canonical text, e.g. `-1234.50`.
    public let text: String
    /// The number of fraction digits.
    public let scale: Int

    /// Most significant digits a value may have (what `Decimal` holds exactly).
    public static let maximumSignificantDigits = 38

    /// How a scan treats the forms that are numbers in some tables and text in others.
    public struct ParseOptions: Sendable, Hashable {
        /// `1,234.5`: groups of three digits separated by commas.
        public var allowsThousandsSeparators: Bool
        /// `(1,234.50)` read as negative, as accounting tables print it.
        public var allowsParenthesesNegative: Bool
        /// `.5` (no integer digit) is a number.
        public var allowsBareFraction: Bool

        public init(allowsThousandsSeparators: Bool = true, allowsParenthesesNegative: Bool = true,
                    allowsBareFraction: Bool = true) {
            self.allowsThousandsSeparators = allowsThousandsSeparators
            self.allowsParenthesesNegative = allowsParenthesesNegative
            self.allowsBareFraction = allowsBareFraction
        }

        /// Thousands separators, parentheses and bare fractions all allowed.
        public static let lenient = ParseOptions()
        /// Only `[-+]digits[.digits]`.
        public static let plain = ParseOptions(allowsThousandsSeparators: false,
                                               allowsParenthesesNegative: false, allowsBareFraction: false)
    }

    private init(canonical: String, scale: Int) {
        self.text = canonical
        self.scale = scale
    }

    /// Parses `string`, returning `nil` when it is not a decimal number in one of the accepted forms.
    public init?(_ string: String, options: ParseOptions = .lenient) {
        var copy = string
        guard let value = copy.withUTF8({ ExactDecimal.parse($0, options: options) }) else { return nil }
        self = value
    }

    /// Parses the bytes of one number: an optional sign (`+`, `-`, `−`) or enclosing parentheses,
    /// integer digits (optionally grouped by commas in threes), an optional `.` and fraction digits.
    /// Leading zeros (`020101`) and more than 38 significant digits are not numbers.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, options: ParseOptions = .lenient) -> ExactDecimal? {
        parseNotingForm(bytes, options: options)?.value
    }

    /// `parse`, also saying whether the bytes were already the canonical text (then a reader
    /// keeps no raw text). One pass over the digits; the text is made once.
    static func parseNotingForm(_ bytes: UnsafeBufferPointer<UInt8>,
                                options: ParseOptions) -> (value: ExactDecimal, isCanonical: Bool)? {
        var start = 0
        var end = bytes.count
        guard end > 0 else { return nil }
        var negative = false
        var signIsCanonical = true
        if options.allowsParenthesesNegative, bytes[0] == 0x28, bytes[end - 1] == 0x29 {  // ( … )
            negative = true
            signIsCanonical = false
            start = 1
            end -= 1
            guard start < end else { return nil }
        } else if bytes[0] == 0x2D {  // -
            negative = true
            start = 1
        } else if bytes[0] == 0x2B {  // +
            signIsCanonical = false
            start = 1
        } else if end >= 3, bytes[0] == 0xE2, bytes[1] == 0x88, bytes[2] == 0x92 {  // U+2212 minus
            negative = true
            signIsCanonical = false
            start = 3
        }
        guard start < end else { return nil }

        // Integer part, with separators validated: first group 1–3 digits, then groups of exactly 3.
        // Significant digits are counted on the way: from the first non-zero digit on.
        var integerDigits = 0
        var groupLength = 0
        var sawSeparator = false
        var significant = 0
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                integerDigits += 1
                groupLength += 1
                if sawSeparator && groupLength > 3 { return nil }
                if byte != 0x30 || significant > 0 { significant += 1 }
            } else if byte == 0x2C {  // ,
                guard options.allowsThousandsSeparators, groupLength > 0 else { return nil }
                if sawSeparator ? groupLength != 3 : groupLength > 3 { return nil }
                sawSeparator = true
                groupLength = 0
            } else {
                break
            }
            index += 1
        }
        if sawSeparator && groupLength != 3 { return nil }
        let integerEnd = index
        var fractionDigits = 0
        if index < end {
            guard bytes[index] == 0x2E else { return nil }  // .
            index += 1
            let fractionStart = index
            while index < end, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                if bytes[index] != 0x30 || significant > 0 { significant += 1 }
                index += 1
            }
            guard index == end else { return nil }
            fractionDigits = index - fractionStart
            guard fractionDigits > 0 else { return nil }
        }
        if integerDigits == 0 {
            guard fractionDigits > 0, options.allowsBareFraction else { return nil }
        }
        // A leading zero followed by more integer digits is an identifier (020101), not a number.
        if integerDigits > 1, bytes[start] == 0x30 { return nil }
        guard significant <= maximumSignificantDigits else { return nil }

        if signIsCanonical && !sawSeparator && integerDigits > 0 {
            // Already canonical: the text is the bytes.
            return (ExactDecimal(canonical: String(decoding: bytes, as: UTF8.self), scale: fractionDigits), true)
        }
        var canonical = [UInt8]()
        canonical.reserveCapacity(integerDigits + fractionDigits + 3)
        if negative { canonical.append(0x2D) }
        if integerDigits == 0 {
            canonical.append(0x30)
        } else {
            for position in start..<integerEnd where bytes[position] != 0x2C {
                canonical.append(bytes[position])
            }
        }
        if fractionDigits > 0 {
            canonical.append(0x2E)
            canonical.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(end - fractionDigits)..<end]))
        }
        return (ExactDecimal(canonical: String(decoding: canonical, as: UTF8.self), scale: fractionDigits), false)
    }

    public var description: String { text }

    /// True when the value is below zero, or is a zero printed with a minus sign.
    public var isNegative: Bool { text.utf8.first == 0x2D }

    /// True when every digit is zero.
    public var isZero: Bool { !text.utf8.contains { $0 >= 0x31 && $0 <= 0x39 } }

    /// Digits from the first non-zero digit to the last digit (trailing zeros count: they are printed).
    public var significantDigitCount: Int {
        var count = 0
        var seenNonZero = false
        for byte in text.utf8 where byte >= 0x30 && byte <= 0x39 {
            if byte != 0x30 { seenNonZero = true }
            if seenNonZero { count += 1 }
        }
        return count
    }

    /// The text with thousands separators in the integer part: `9885.752630` → `9,885.752630`.
    public var groupedText: String {
        let bytes = Array(text.utf8)
        var signLength = 0
        if bytes.first == 0x2D { signLength = 1 }
        let integerEnd = bytes.firstIndex(of: 0x2E) ?? bytes.count
        let integerLength = integerEnd - signLength
        guard integerLength > 3 else { return text }
        var result = [UInt8](bytes[0..<signLength])
        for (offset, byte) in bytes[signLength..<integerEnd].enumerated() {
            if offset > 0 && (integerLength - offset) % 3 == 0 { result.append(0x2C) }
            result.append(byte)
        }
        result.append(contentsOf: bytes[integerEnd...])
        return String(decoding: result, as: UTF8.self)
    }

    /// The value multiplied by 10^`places` exactly, moving the point and keeping as many
    /// fraction digits as remain (`1.500000` shifted by 4 is `15000.00`). A negative shift divides.
    public func shifted(by places: Int) -> ExactDecimal {
        guard places != 0 else { return self }
        let negative = isNegative
        var digits = Array(text.utf8.filter { $0 != 0x2D && $0 != 0x2E })
        var newScale = scale - places
        if newScale < 0 {
            digits.append(contentsOf: repeatElement(0x30, count: -newScale))
            newScale = 0
        }
        if digits.count <= newScale {
            digits.insert(contentsOf: repeatElement(0x30, count: newScale - digits.count + 1), at: 0)
        }
        let integerCount = digits.count - newScale
        var integer = digits[0..<integerCount].drop { $0 == 0x30 }
        if integer.isEmpty { integer = [0x30] }
        var result: [UInt8] = negative ? [0x2D] : []
        result.append(contentsOf: integer)
        if newScale > 0 {
            result.append(0x2E)
            result.append(contentsOf: digits[integerCount...])
        }
        return ExactDecimal(canonical: String(decoding: result, as: UTF8.self), scale: newScale)
    }

    /// The value as a Foundation `Decimal`, for arithmetic only.
    public var decimal: Decimal {
        var significand = Decimal(0)
        for byte in text.utf8 where byte >= 0x30 && byte <= 0x39 {
            significand = significand * 10 + Decimal(Int(byte - 0x30))
        }
        let magnitude = Decimal(sign: .plus, exponent: -scale, significand: significand)
        return isNegative ? -magnitude : magnitude
    }

    /// Formats `value` with exactly `scale` fraction digits (rounding half away from zero when the
    /// value has more), for results of arithmetic such as sums.
    public init(_ value: Decimal, scale: Int) {
        var input = value
        var rounded = Decimal()
        NSDecimalRound(&rounded, &input, scale, .plain)
        let negative = rounded < 0
        var magnitude = negative ? -rounded : rounded
        // Scale up to an integer, then print its digits and place the point.
        var scaled = Decimal()
        NSDecimalMultiplyByPowerOf10(&scaled, &magnitude, Int16(scale), .plain)
        var digits = scaled.description  // an integer, so no point and no exponent
        if let point = digits.firstIndex(of: ".") { digits = String(digits[..<point]) }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -scale)
        var canonical = negative ? "-" : ""
        canonical += digits[..<split]
        if scale > 0 { canonical += "." + digits[split...] }
        self.init(canonical: canonical, scale: scale)
    }

    /// True when both denote the same number, whatever their scales (`1.50` and `1.5`).
    public func isNumericallyEqual(to other: ExactDecimal) -> Bool { decimal == other.decimal }
}
