// XMLStream: XML on bytes, both ways, without a DOM.
//
// Reading goes through libxml2's SAX2 push parser (fed chunk by chunk, network, DTD loading and
// entity substitution off). Writing appends UTF-8 bytes to a buffer: `XMLEscaping` escapes text
// and attribute values in one scan that copies clean runs whole, and `XMLWriter` builds small
// documents (elements, attributes, text) on top of it and streams them to a `ByteSink`. Characters
// that XML 1.0 cannot carry are never emitted raw: OOXML text encodes them as `_xHHHH_` (its
// `ST_Xstring` convention, which Excel, LibreOffice and calamine decode); elsewhere they become
// U+FFFD.

/// Escaping of text and attribute values into UTF-8 bytes.
public enum XMLEscaping {
    /// What a byte needs in each context: bit 0 in text, bit 1 in attribute values, bit 2 in OOXML
    /// text. A zero entry means "copy as is" everywhere.
    private static let attention: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        for byte in 0..<0x20 where byte != 0x09 && byte != 0x0A && byte != 0x0D { table[byte] = 0b111 }
        table[0x09] = 0b010  // tab: normalised to a space in attributes
        table[0x0A] = 0b010  // line feed: likewise
        table[0x0D] = 0b111  // carriage return: parsers turn it into a line feed in text too
        table[0x26] = 0b111  // &
        table[0x3C] = 0b111  // <
        table[0x3E] = 0b111  // > (needed only after "]]", escaped always for simplicity)
        table[0x22] = 0b010  // "
        table[0x5F] = 0b100  // _ may start what a reader would decode as _xHHHH_
        table[0xEF] = 0b111  // may start U+FFFE or U+FFFF, which XML 1.0 forbids
        return table
    }()

    private enum Context: UInt8 {
        case text = 0b001, attribute = 0b010, ooxmlText = 0b100
    }

    /// Appends `text` escaped as element content: `&`, `<`, `>` as entities, a carriage return as
    /// `&#13;` (so it survives parsing), characters XML 1.0 forbids as U+FFFD.
    public static func appendText(_ text: String, to buffer: inout [UInt8]) {
        append(text, context: .text, to: &buffer)
    }

    /// Appends `text` escaped as an attribute value in double quotes: as `appendText`, plus `"`
    /// and tab, line feed and carriage return as character references (parsers would turn them
    /// into spaces).
    public static func appendAttributeValue(_ text: String, to buffer: inout [UInt8]) {
        append(text, context: .attribute, to: &buffer)
    }

    /// Appends `text` escaped as OOXML string content (`ST_Xstring`, the text of a cell, shared
    /// string or inline string): `&`, `<`, `>` as entities, a carriage return as `&#13;`; control
    /// characters XML 1.0 forbids, U+FFFE and U+FFFF as `_xHHHH_`; and an `_` that would otherwise
    /// start such an escape (`_x0041_` in the text) as `_x005F_`, so that readers decode exactly
    /// `text`. (Excel, LibreOffice and calamine decode `_xHHHH_` in inline strings; openpyxl 3.1
    /// does not, and shows the escape itself.)
    public static func appendOOXMLText(_ text: String, to buffer: inout [UInt8]) {
        append(text, context: .ooxmlText, to: &buffer)
    }

    /// True when `text` starts or ends with whitespace, which XML readers may trim unless the
    /// element says `xml:space="preserve"`.
    public static func needsSpacePreserved(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last else { return false }
        return isXMLWhitespace(first) || isXMLWhitespace(last)
    }

    @inline(__always)
    private static func isXMLWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func append(_ text: String, context: Context, to buffer: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { bytes in
            attention.withUnsafeBufferPointer { table in
                let mask = context.rawValue
                var runStart = 0
                var index = 0
                let count = bytes.count
                while index < count {
                    let byte = bytes[index]
                    if table[Int(byte)] & mask == 0 {
                        index += 1
                        continue
                    }
                    // The clean run before this byte is copied, then its escape; `consumed` bytes go.
                    let consumed: Int
                    switch byte {
                    case 0x26:
                        consumed = 1
                        flush(bytes, from: runStart, to: index, into: &buffer)
                        buffer.append(contentsOf: "&amp;".utf8)
                    case 0x3C:
                        consumed = 1
                        flush(bytes, from: runStart, to: index, into: &buffer)
                        buffer.append(contentsOf: "&lt;".utf8)
                    case 0x3E:
                        consumed = 1
                        flush(bytes, from: runStart, to: index, into: &buffer)
                        buffer.append(contentsOf: "&gt;".utf8)
                    case 0x22:
                        consumed = 1
                        flush(bytes, from: runStart, to: index, into: &buffer)
                        buffer.append(contentsOf: "&quot;".utf8)
                    case 0x5F:
                        guard startsOOXMLEscape(bytes, at: index) else {
                            index += 1
                            continue
                        }
                        consumed = 1
                        flush(bytes, from: runStart, to: index, into: &buffer)
                        appendOOXMLEscape(0x5F, to: &buffer)
                    case 0xEF:
                        // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
                        guard index + 2 < count, bytes[index + 1] == 0xBF,
                              bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF else {
                            index += 1
                            continue
                        }
                        consumed = 3
                        flush(bytes, from: runStart, to: index, into: &buffer)
                        appendForbidden(bytes[index + 2] == 0xBE ? 0xFFFE : 0xFFFF, context: context, to: &buffer)
                    default:  // a control character, tab, line feed or carriage return
                        consumed = 1
                        flush(bytes, from: runStart, to: index, into: &buffer)
                        if byte == 0x09 || byte == 0x0A || byte == 0x0D {
                            buffer.append(contentsOf: "&#\(byte);".utf8)
                        } else {
                            appendForbidden(UInt16(byte), context: context, to: &buffer)
                        }
                    }
                    index += consumed
                    runStart = index
                }
                flush(bytes, from: runStart, to: count, into: &buffer)
            }
        }
    }

    /// U+FFFD REPLACEMENT CHARACTER in UTF-8.
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    @inline(__always)
    private static func flush(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int,
                              into buffer: inout [UInt8]) {
        if end > start { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end])) }
    }

    /// A character XML 1.0 cannot carry: `_xHHHH_` in OOXML text, U+FFFD elsewhere.
    private static func appendForbidden(_ codePoint: UInt16, context: Context, to buffer: inout [UInt8]) {
        if context == .ooxmlText {
            appendOOXMLEscape(codePoint, to: &buffer)
        } else {
            buffer.append(contentsOf: replacementCharacter)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// `_xHHHH_` with upper-case hex digits.
    private static func appendOOXMLEscape(_ codeUnit: UInt16, to buffer: inout [UInt8]) {
        let hex = hexDigits
        buffer.append(0x5F)
        buffer.append(0x78)
        for shift in stride(from: 12, through: 0, by: -4) { buffer.append(hex[Int((codeUnit >> UInt16(shift)) & 0xF)]) }
        buffer.append(0x5F)
    }

    /// True when the `_` at `index` begins `_xHHHH_` (either case of `x` and of the hex digits).
    private static func startsOOXMLEscape(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index + 6 < bytes.count, bytes[index + 1] | 0x20 == 0x78, bytes[index + 6] == 0x5F else { return false }
        for position in (index + 2)...(index + 5) {
            let byte = bytes[position]
            let isHex = (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66)
            if !isHex { return false }
        }
        return true
    }
}
