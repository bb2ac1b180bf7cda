import TableModel
import XMLStream

extension RawByteBuffer {
    /// Appends `text` escaped as OOXML cell text (`XMLEscaping.appendOOXMLText`).
    mutating func append(ooxmlText text: String) {
        var copy = text
        copy.withUTF8 { bytes in
            reserve(bytes.count * XMLEscaping.maximumExpansion)
            advance(by: XMLEscaping.writeOOXMLText(bytes, to: base + count))
        }
    }
}
