// Fuzz target: the text reader (TextTables.read) on PDF-extracted text. The first byte picks
// the options, so repair, raw text, split codes, fill-down, parentheses and unit conversion
// are all exercised; the rest is the document.
import TableModel
import TextTables

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let flags = data[0]
    let options = TextReadOptions(repair: flags & 1 == 0, rawText: flags & 2 != 0, splitCodes: flags & 4 != 0,
                                  targetUnit: flags & 8 != 0 ? (flags & 16 != 0 ? "元" : "亿元") : nil,
                                  fillDown: flags & 32 != 0, parenthesesAsText: flags & 64 != 0)
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    _ = try? TextTables.read(bytes, name: "fuzz.txt", options: options)
    return 0
}
