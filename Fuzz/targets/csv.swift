// Fuzz target: the streaming CSV reader. The first byte picks the options (delimiter given or
// sniffed, header or not, a tiny block size so records are cut at every byte, a small
// look-ahead and tight limits so that the limit paths run); the rest is the file. Every row is
// pulled on the calling thread.
@testable import CSVFormat
import TableModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let flags = data[0]
    var options = CSVReadOptions()
    options.delimiter = [nil, 0x2C, 0x09, 0x3B][Int(flags & 3)]
    options.hasHeader = flags & 4 == 0
    options.readsInBackground = false
    options.blockSize = flags & 8 == 0 ? 1 << 18 : Int(flags >> 4) + 1
    options.lookaheadRows = flags & 16 == 0 ? 1_000 : 2
    options.lookaheadBytes = flags & 32 == 0 ? 8 << 20 : 64
    if flags & 64 != 0 {
        options.limits = CSVLimits(maximumFieldBytes: 100, maximumRecordBytes: 300, maximumFieldsPerRecord: 20)
    }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    do {
        let reader = try CSVReader(source: MemoryByteSource(bytes), name: "fuzz.csv", options: options)
        while try reader.nextTable() != nil {
            while try reader.nextRow() != nil {}
        }
    } catch {}
    return 0
}
