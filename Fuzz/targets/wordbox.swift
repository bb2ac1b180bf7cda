// Fuzz target: the PDF path after poppler: the XHTML of `pdftotext -bbox-layout` read by
// WordBoxReader (fed in chunks whose size the first byte picks), set on a character grid by
// WordBoxLayout, and the grid read as layout text, as `tabconv file.pdf` does.
import TableModel
import TextTables

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWordBox(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let chunkSize = Int(data[0]) * 16 + 1
    let document = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    let reader = WordBoxReader()
    do {
        var offset = 0
        while offset < document.count {
            let end = min(offset + chunkSize, document.count)
            try reader.read(UnsafeRawBufferPointer(rebasing: document[offset..<end]))
            offset = end
        }
        let pages = try reader.finishPages()
        let text = WordBoxLayout.layoutText(pages)
        _ = WordBoxLayout.isMostlyIdeographic(pages)
        var options = TextReadOptions()
        options.layout = .spaces
        _ = try TextTables.read(Array(text.utf8), name: "fuzz.pdf", options: options)
    } catch {}
    return 0
}
