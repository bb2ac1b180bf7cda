import TableModel

/// How a number cell is shown, decided once per cell style from its number format.
enum XLSXNumberDisplay: Hashable, Sendable {
    /// `General`, scientific, fractions, text (`@`): the stored digits as they are.
    case general
    /// A fixed count of fraction digits (`0.000000`, `#,##0.00`, currency formats).
    case fixed(scale: Int)
    /// A percentage with `scale` fraction digits as shown (`0.00%`): the value keeps `scale + 2`.
    case percent(scale: Int)
    /// Dates and times, shown as ISO 8601 text.
    case date(XLSXDateKind)
}

enum XLSXDateKind: Hashable, Sendable {
    /// `2024-03-01`
    case date
    /// `13:45:00`
    case time
    /// `2024-03-01T13:45:00`
    case dateTime
    /// Elapsed time (`[h]:mm:ss`): `26:30:00`.
    case duration
}

/// Number formats: the built-in ids and the classification of format codes.
enum XLSXNumberFormat {
    /// The display of a built-in format id (ECMA-376 §18.8.30, plus the CJK date ids).
    static func builtIn(_ id: Int) -> XLSXNumberDisplay {
        switch id {
        case 1, 3, 37, 38, 41, 42: return .fixed(scale: 0)
        case 2, 4, 39, 40, 43, 44: return .fixed(scale: 2)
        case 9: return .percent(scale: 0)
        case 10: return .percent(scale: 2)
        case 14...17, 27...31, 36, 50...58: return .date(.date)
        case 18...21, 32...35, 45, 47: return .date(.time)
        case 22: return .date(.dateTime)
        case 46: return .date(.duration)
        default: return .general
        }
    }

    /// The display a format code gives, from its first section: dates and times from their
    /// letters (outside quotes, escapes and `[...]`), otherwise the count of digit placeholders
    /// after the decimal point. Thousands scaling (`0.0,`) is not applied.
    static func classify(_ code: String) -> XLSXNumberDisplay {
        let bytes = Array(code.utf8)
        if bytes.count >= 7, String(decoding: bytes.prefix(7), as: UTF8.self).lowercased() == "general" { return .general }
        var hasDate = false
        var hasTime = false
        var hasMonthOrMinute = false
        var elapsed = false
        var scientific = false
        var percent = false
        var sawPoint = false
        var scale = 0
        var sawDigitPlaceholder = false
        var textFormat = false
        var index = 0
        scan: while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x3B:  // ; ends the first section
                break scan
            case 0x22:  // "quoted text"
                index += 1
                while index < bytes.count && bytes[index] != 0x22 { index += 1 }
            case 0x5C, 0x5F, 0x2A:  // \x escape, _x padding, *x fill: skip the next character
                index += 1
            case 0x5B:  // [...]: colours, conditions, locales; [h] [mm] [ss] are elapsed time
                let start = index + 1
                while index < bytes.count && bytes[index] != 0x5D { index += 1 }
                let inner = String(decoding: bytes[start..<min(index, bytes.count)], as: UTF8.self).lowercased()
                if !inner.isEmpty, inner.allSatisfy({ $0 == "h" || $0 == "m" || $0 == "s" }) {
                    elapsed = true
                    hasTime = true
                }
            case 0x79, 0x59, 0x64, 0x44, 0x65:  // y Y d D e (era year)
                hasDate = true
            case 0x68, 0x48, 0x73, 0x53:  // h H s S
                hasTime = true
            case 0x6D, 0x4D:  // m M: month or minute
                hasMonthOrMinute = true
            case 0x41, 0x61:  // AM/PM, A/P
                if index + 1 < bytes.count, bytes[index + 1] == 0x2F || bytes[index + 1] == 0x4D || bytes[index + 1] == 0x6D {
                    hasTime = true
                }
            case 0x45 where index + 1 < bytes.count && (bytes[index + 1] == 0x2B || bytes[index + 1] == 0x2D):  // E+ E-
                scientific = true
            case 0x40:  // @
                textFormat = true
            case 0x25:  // %
                percent = true
            case 0x2E:  // .
                if !sawPoint { sawPoint = true }
            case 0x30, 0x23, 0x3F:  // 0 # ?
                sawDigitPlaceholder = true
                if sawPoint { scale += 1 }
            default:
                break
            }
            index += 1
        }
        if hasDate || hasTime || (hasMonthOrMinute && !sawDigitPlaceholder) {
            if elapsed { return .date(.duration) }
            let isTime = hasTime
            let isDate = hasDate || (hasMonthOrMinute && !hasTime)
            if isDate && isTime { return .date(.dateTime) }
            return .date(isTime ? .time : .date)
        }
        if scientific || textFormat || !sawDigitPlaceholder { return .general }
        return percent ? .percent(scale: scale) : .fixed(scale: scale)
    }
}

/// A decimal read from a `<v>` element: its digits as an integer and the power of ten that
/// divides it (`-1.25E-3` → negative, digits `125`, scale `5`). Exponents are applied by moving
/// the point in the text; nothing goes through a binary floating point value.
struct XLSXStoredNumber {
    var negative: Bool
    /// ASCII digits without leading zeros (empty for zero).
    var digits: [UInt8]
    /// The value is `digits × 10^-scale`; a negative scale means trailing zeros.
    var scale: Int

    /// Parses `[-+]digits[.digits][E[-+]digits]`; nil for anything else (`NaN`, `INF`, text).
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        let count = bytes.count
        negative = false
        if index < count, bytes[index] == 0x2D || bytes[index] == 0x2B {
            negative = bytes[index] == 0x2D
            index += 1
        }
        digits = []
        digits.reserveCapacity(count)
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        while index < count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                sawDigit = true
                if !(digits.isEmpty && byte == 0x30) { digits.append(byte) }
                if sawPoint { fractionDigits += 1 }
            } else if byte == 0x2E && !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if index < count, bytes[index] == 0x45 || bytes[index] == 0x65 {
            index += 1
            var exponentNegative = false
            if index < count, bytes[index] == 0x2D || bytes[index] == 0x2B {
                exponentNegative = bytes[index] == 0x2D
                index += 1
            }
            var exponentDigits = 0
            while index < count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                exponent = exponent * 10 + Int(bytes[index] - 0x30)
                exponentDigits += 1
                guard exponent < 10_000 else { return nil }
                index += 1
            }
            guard exponentDigits > 0 else { return nil }
            if exponentNegative { exponent = -exponent }
        }
        guard index == count else { return nil }
        scale = fractionDigits - exponent
        if digits.isEmpty { scale = max(scale, 0) }
    }

    /// Significant digits a double holds reliably; a stored value printed with more (its
    /// shortest round-trip form, `9885.752630000001`) carries binary noise past them.
    static let reliableDigits = 15

    /// The canonical decimal text with `targetScale` fraction digits (nil: the stored ones).
    /// Digits are never dropped except binary noise: fraction digits past the 15th significant
    /// one are rounded off (half away from zero), then trailing zeros are trimmed down to
    /// `targetScale` and the text padded up to it. So `0.000000` shows `9885.75263` as
    /// `9885.752630` and `9885.752630000001` too, while `0` shows `0.5` as `0.5`, not `1`.
    func text(scale targetScale: Int?) -> [UInt8] {
        var digits = self.digits
        var scale = self.scale
        if scale < 0 {
            digits.append(contentsOf: repeatElement(0x30, count: -scale))
            scale = 0
        }
        if let targetScale {
            let noise = min(digits.count - XLSXStoredNumber.reliableDigits, scale - targetScale)
            if noise > 0 {
                let roundUp = digits[digits.count - noise] >= 0x35
                digits.removeLast(noise)
                scale -= noise
                if roundUp {
                    var position = digits.count - 1
                    while position >= 0 {
                        if digits[position] == 0x39 {
                            digits[position] = 0x30
                            position -= 1
                        } else {
                            digits[position] += 1
                            break
                        }
                    }
                    if position < 0 { digits.insert(0x31, at: 0) }
                }
            }
            while scale > targetScale, digits.last == 0x30 {
                digits.removeLast()
                scale -= 1
            }
            if scale < targetScale {
                digits.append(contentsOf: repeatElement(0x30, count: targetScale - scale))
                scale = targetScale
            }
        }
        if digits.count <= scale { digits.insert(contentsOf: repeatElement(0x30, count: scale - digits.count + 1), at: 0) }
        var result: [UInt8] = []
        result.reserveCapacity(digits.count + 2)
        if negative && digits.contains(where: { $0 != 0x30 }) { result.append(0x2D) }
        result.append(contentsOf: digits[0..<(digits.count - scale)])
        if scale > 0 {
            result.append(0x2E)
            result.append(contentsOf: digits[(digits.count - scale)...])
        }
        return result
    }

    /// The integer part and the first `fractionDigits` fraction digits as integers, or nil when
    /// the integer part is too large to be a date serial.
    func splitForDate(fractionDigits: Int) -> (days: Int, fraction: UInt64)? {
        let text = self.text(scale: nil)
        guard let point = text.firstIndex(of: 0x2E) ?? Optional(text.count) else { return nil }
        guard point <= 7 else { return nil }
        var days = 0
        for byte in text[0..<point] { days = days * 10 + Int(byte - 0x30) }
        var fraction: UInt64 = 0
        var taken = 0
        if point < text.count {
            for byte in text[(point + 1)...] where taken < fractionDigits {
                fraction = fraction * 10 + UInt64(byte - 0x30)
                taken += 1
            }
        }
        while taken < fractionDigits {
            fraction *= 10
            taken += 1
        }
        return (days, fraction)
    }
}

/// Spreadsheet date serials to ISO 8601 text, with integer arithmetic on the digits.
enum XLSXDates {
    /// The ISO text for `serial` in the 1900 system (with Lotus 1-2-3's fictitious 1900-02-29 as
    /// day 60) or the 1904 system; nil when the serial is negative or past 9999-12-31.
    static func isoText(_ serial: XLSXStoredNumber, kind: XLSXDateKind, uses1904: Bool) -> String? {
        guard !serial.negative || serial.digits.isEmpty else { return nil }
        // 11 fraction digits resolve a day to 0.000864 ms: enough to round to the millisecond.
        guard let (days, fraction) = serial.splitForDate(fractionDigits: 11) else { return nil }
        var milliseconds = (fraction * 86_400_000 + 50_000_000_000) / 100_000_000_000
        var wholeDays = days
        if milliseconds >= 86_400_000 {
            milliseconds -= 86_400_000
            wholeDays += 1
        }
        guard wholeDays <= 2_958_465 else { return nil }
        let time = timeText(milliseconds)
        switch kind {
        case .time:
            return time
        case .duration:
            let totalMilliseconds = UInt64(wholeDays) * 86_400_000 + milliseconds
            let hours = totalMilliseconds / 3_600_000
            return (hours < 10 ? "0" : "") + String(hours) + timeText(totalMilliseconds % 3_600_000).dropFirst(2)
        case .date, .dateTime:
            let date: String
            if !uses1904 && wholeDays == 60 {
                date = "1900-02-29"
            } else {
                // Days since 1970-01-01 of the serial's day.
                let epochOffset = uses1904 ? -24_107 : (wholeDays < 60 ? -25_568 : -25_569)
                date = civilDate(daysSince1970: wholeDays + epochOffset)
            }
            return kind == .date ? date : date + "T" + time
        }
    }

    private static func timeText(_ milliseconds: UInt64) -> String {
        let seconds = milliseconds / 1000
        var text = twoDigits(seconds / 3600) + ":" + twoDigits(seconds / 60 % 60) + ":" + twoDigits(seconds % 60)
        let rest = milliseconds % 1000
        if rest != 0 {
            let digits = String(rest)
            text += "." + String(repeating: "0", count: 3 - digits.count) + digits
        }
        return text
    }

    private static func twoDigits(_ value: UInt64) -> String { value < 10 ? "0" + String(value) : String(value) }

    /// `YYYY-MM-DD` of a day count from 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
    static func civilDate(daysSince1970: Int) -> String {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let yearText = String(year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-"
            + (month < 10 ? "0" : "") + String(month) + "-" + (day < 10 ? "0" : "") + String(day)
    }
}

/// Decodes the `_xHHHH_` escapes OOXML uses for characters XML cannot carry (`_x000D_` is a
/// carriage return; `_x005F_` is a literal underscore, so `_x005F_x000D_` reads `_x000D_`).
enum XLSXEscapes {
    static func decode<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8, Bytes.Index == Int {
        guard bytes.count >= 7, let first = firstEscape(bytes) else { return Array(bytes) }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = bytes.startIndex + first
        result.append(contentsOf: bytes[bytes.startIndex..<index])
        while index < bytes.endIndex {
            if bytes[index] == 0x5F, index + 6 < bytes.endIndex, bytes[index + 1] == 0x78, bytes[index + 6] == 0x5F,
               let scalarValue = hexValue(bytes[(index + 2)..<(index + 6)]) {
                if let scalar = Unicode.Scalar(scalarValue) {
                    result.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                index += 7
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return result
    }

    /// The decoded text of `bytes` as a String (no copy of the bytes when they hold no escape).
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count >= 7, firstEscape(bytes) != nil else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: decode(bytes), as: UTF8.self)
    }

    /// The offset of the first `_x….._` pattern from the start of `bytes`.
    private static func firstEscape<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> Int? where Bytes.Element == UInt8, Bytes.Index == Int {
        var index = bytes.startIndex
        while index + 6 < bytes.endIndex {
            if bytes[index] == 0x5F, bytes[index + 1] == 0x78, bytes[index + 6] == 0x5F { return index - bytes.startIndex }
            index += 1
        }
        return nil
    }

    private static func hexValue<Digits: Sequence>(_ digits: Digits) -> UInt32? where Digits.Element == UInt8 {
        var value: UInt32 = 0
        for byte in digits {
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x37
            case 0x61...0x66: digit = byte - 0x57
            default: return nil
            }
            value = value * 16 + UInt32(digit)
        }
        return value
    }
}
