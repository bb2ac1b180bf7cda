// Fuzz target: the layout-text reader (space-aligned columns, as `pdftotext -layout` prints
// them). The first byte picks the layout (spaces or automatic), hand-given column starts for
// some runs, and the reader's options; the document is read and its layout blocks listed.
import TableModel
import TextTables

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLayout(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let flags = data[0]
    var options = TextReadOptions(repair: flags & 1 == 0, rawText: flags & 2 != 0, splitCodes: flags & 4 != 0,
                                  fillDown: flags & 8 != 0)
    options.layout = flags & 16 == 0 ? .spaces : .automatic
    if flags & 32 != 0 {
        options.columnOverride = ColumnOverride(starts: [0, Int(flags & 7) * 3 + 4, 30, 45, 200],
                                                tables: flags & 64 == 0 ? [] : ["1"])
    }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    _ = try? TextTables.read(bytes, name: "fuzz.txt", options: options)
    _ = try? TextTables.layoutBlocks(bytes, name: "fuzz.txt", options: options)
    return 0
}
