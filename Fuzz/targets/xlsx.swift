// Fuzz target: the XLSX reader on whole files (the ZIP container and everything in it). The
// fuzzer mostly breaks the container here (CRCs, deflate streams, the central directory);
// `xlsx-parts` reaches the XML inside. The first byte picks the options.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    readWorkbook(bytes, flags: data[0])
    return 0
}
