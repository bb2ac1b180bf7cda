// Fuzz target: the XLSX reader on the XML of its parts. The input is a list of parts, each a
// name line and its content, separated by "\n@@part@@\n" (Fuzz/seeds.py makes such inputs
// from real workbooks); the harness packs them into a stored (uncompressed) ZIP with correct
// CRCs, so every mutation reaches the XML of the workbook, relationships, styles, shared
// strings and sheets. The first byte picks the reading options.
import CZlib

private let separator = Array("\n@@part@@\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXLSXParts(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var parts: [(name: [UInt8], content: [UInt8])] = []
    for piece in split(input) {
        guard let newline = piece.firstIndex(of: 0x0A) else { continue }
        parts.append((Array(piece[..<newline]), Array(piece[(newline + 1)...])))
    }
    readWorkbook(storedZip(parts), flags: data[0])
    return 0
}

private func split(_ input: UnsafeBufferPointer<UInt8>) -> [ArraySlice<UInt8>] {
    let bytes = Array(input)
    var pieces: [ArraySlice<UInt8>] = []
    var start = 0
    var index = 0
    while index + separator.count <= bytes.count {
        if bytes[index] == separator[0], bytes[index..<(index + separator.count)].elementsEqual(separator) {
            pieces.append(bytes[start..<index])
            index += separator.count
            start = index
        } else {
            index += 1
        }
    }
    pieces.append(bytes[start...])
    return pieces
}

/// A ZIP archive holding `parts` stored (method 0), with CRCs and sizes right.
private func storedZip(_ parts: [(name: [UInt8], content: [UInt8])]) -> [UInt8] {
    var archive: [UInt8] = []
    var directory: [UInt8] = []
    func append16(_ value: Int, to bytes: inout [UInt8]) { bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    func append32(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24 & 0xFF)]
    }
    for part in parts {
        let name = Array(part.name.prefix(0xFFFF))
        let checksum = part.content.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, UInt32($0.count))) }
        let offset = UInt32(archive.count)
        append32(0x0403_4B50, to: &archive)
        append16(20, to: &archive); append16(0, to: &archive); append16(0, to: &archive)
        append16(0, to: &archive); append16(0, to: &archive)
        append32(checksum, to: &archive)
        append32(UInt32(part.content.count), to: &archive); append32(UInt32(part.content.count), to: &archive)
        append16(name.count, to: &archive); append16(0, to: &archive)
        archive += name
        archive += part.content

        append32(0x0201_4B50, to: &directory)
        append16(20, to: &directory); append16(20, to: &directory); append16(0, to: &directory); append16(0, to: &directory)
        append16(0, to: &directory); append16(0, to: &directory)
        append32(checksum, to: &directory)
        append32(UInt32(part.content.count), to: &directory); append32(UInt32(part.content.count), to: &directory)
        append16(name.count, to: &directory); append16(0, to: &directory); append16(0, to: &directory)
        append16(0, to: &directory); append16(0, to: &directory); append32(0, to: &directory)
        append32(offset, to: &directory)
        directory += name
    }
    let directoryOffset = UInt32(archive.count)
    archive += directory
    append32(0x0605_4B50, to: &archive)
    append16(0, to: &archive); append16(0, to: &archive)
    append16(parts.count, to: &archive); append16(parts.count, to: &archive)
    append32(UInt32(directory.count), to: &archive); append32(directoryOffset, to: &archive)
    append16(0, to: &archive)
    return archive
}
