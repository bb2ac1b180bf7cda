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

    /// The most bytes one input byte can become (`_` as `_x005F_`, a control character as
    /// `_x0001_`): a destination of `maximumExpansion * count` bytes always suffices.
    public static let maximumExpansion = 7

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

    /// Writes the UTF-8 `text` escaped as `appendOOXMLText` does to `destination`, which must have
    /// room for `maximumExpansion * text.count` bytes; returns the number of bytes written. The
    /// hot path of sheet writers, which keep their own output buffer.
    public static func writeOOXMLText(_ text: UnsafeBufferPointer<UInt8>, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        escape(text, context: .ooxmlText, to: destination)
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
            let escaped = [UInt8](unsafeUninitializedCapacity: bytes.count * maximumExpansion) { storage, count in
                count = storage.baseAddress.map { escape(bytes, context: context, to: $0) } ?? 0
            }
            buffer.append(contentsOf: escaped)
        }
    }

    /// Copies clean runs of `bytes` whole and escapes the rest as `context` requires.
    private static func escape(_ bytes: UnsafeBufferPointer<UInt8>, context: Context,
                               to destination: UnsafeMutablePointer<UInt8>) -> Int {
        attention.withUnsafeBufferPointer { table in
            let mask = context.rawValue
            var written = 0
            var runStart = 0
            var index = 0
            let count = bytes.count
            @inline(__always) func copyRun(to end: Int) {
                if end > runStart, let base = bytes.baseAddress {
                    (destination + written).update(from: base + runStart, count: end - runStart)
                    written += end - runStart
                }
            }
            @inline(__always) func put(_ literal: StaticString) {
                (destination + written).update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
                written += literal.utf8CodeUnitCount
            }
            @inline(__always) func putOOXMLEscape(_ codeUnit: UInt16) {
                destination[written] = 0x5F
                destination[written + 1] = 0x78
                for digit in 0..<4 {
                    destination[written + 2 + digit] = hexDigits[Int((codeUnit >> UInt16(12 - 4 * digit)) & 0xF)]
                }
                destination[written + 6] = 0x5F
                written += 7
            }
            @inline(__always) func putForbidden(_ codePoint: UInt16) {
                if context == .ooxmlText {
                    putOOXMLEscape(codePoint)
                } else {
                    put("\u{FFFD}")
                }
            }
            while index < count {
                let byte = bytes[index]
                if table[Int(byte)] & mask == 0 {
                    index += 1
                    continue
                }
                // The clean run before this byte is copied, then its escape; `consumed` bytes go.
                var consumed = 1
                switch byte {
                case 0x26:
                    copyRun(to: index)
                    put("&amp;")
                case 0x3C:
                    copyRun(to: index)
                    put("&lt;")
                case 0x3E:
                    copyRun(to: index)
                    put("&gt;")
                case 0x22:
                    copyRun(to: index)
                    put("&quot;")
                case 0x5F:
                    guard startsOOXMLEscape(bytes, at: index) else {
                        index += 1
                        continue
                    }
                    copyRun(to: index)
                    putOOXMLEscape(0x5F)
                case 0xEF:
                    // U+FFFE and U+FFFF are EF BF BE and EF BF BF.
                    guard index + 2 < count, bytes[index + 1] == 0xBF,
                          bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF else {
                        index += 1
                        continue
                    }
                    consumed = 3
                    copyRun(to: index)
                    putForbidden(bytes[index + 2] == 0xBE ? 0xFFFE : 0xFFFF)
                case 0x09:
                    copyRun(to: index)
                    put("&#9;")
                case 0x0A:
                    copyRun(to: index)
                    put("&#10;")
                case 0x0D:
                    copyRun(to: index)
                    put("&#13;")
                default:  // a control character XML 1.0 forbids
                    copyRun(to: index)
                    putForbidden(UInt16(byte))
                }
                index += consumed
                runStart = index
            }
            copyRun(to: count)
            return written
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

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
