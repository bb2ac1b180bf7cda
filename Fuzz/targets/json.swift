// Fuzz target: the reader of tabconv's own JSON. A document it accepts must also be writable
// again (JSONWriter), so the reader cannot hand out a model the writer chokes on.
import JSONFormat
import TableModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let document = try? TabconvJSONReader.read(bytes, name: "fuzz.json") else { return 0 }
    let output = MemoryByteSink()
    do {
        try DocumentSource(document).transfer(to: JSONWriter(output: output))
    } catch {
        preconditionFailure("a document the JSON reader accepted cannot be written: \(error)")
    }
    return 0
}
