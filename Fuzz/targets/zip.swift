// Fuzz target: the ZIP reader. Opens the archive from memory with small limits (so the
// limit paths run in a fuzzer's memory) and inflates every entry to its end, in memory and
// through the chunked reader.
import ZipArchive

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = ZipReadLimits(maximumEntryCount: 1_000, maximumEntrySize: 4 << 20, maximumTotalSize: 16 << 20,
                               maximumCompressionRatio: 200, ratioGraceSize: 64 << 10)
    guard let zip = try? ZipReader(bytes: bytes, limits: limits) else { return 0 }
    for entry in zip.entries {
        _ = try? zip.contents(of: entry, maximumSize: 1 << 20)
        _ = zip.findEntry(entry.name.uppercased())
        try? zip.forEachChunk(of: entry, chunkSize: 1 + size % 4_096) { _ in }
    }
    return 0
}
