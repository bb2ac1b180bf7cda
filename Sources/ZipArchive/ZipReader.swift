// ZIP reading: random access to the central directory at the end of the archive (pread on a
// file descriptor, or bytes in memory), then each entry streamed through zlib's raw inflate in
// chunks, never whole. Sizes, counts and compression ratios are checked while inflating
// (`ZipReadLimits`), so a ZIP bomb fails early with an error naming the entry instead of filling
// memory or disk; the CRC is checked when an entry ends.

import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ZIP archive that cannot be read, with the entry (or `byte N` offset) where it went wrong.
public struct ZipReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The entry name (`xl/worksheets/sheet1.xml`), or nil for the archive as a whole.
    public var entry: String?
    public var message: String

    public init(entry: String? = nil, _ message: String) {
        self.entry = entry
        self.message = message
    }

    public var description: String { entry.map { "\($0): \(message)" } ?? message }
}

/// Bounds a reader puts on what an archive may make it do (against ZIP bombs). Every check
/// happens on the bytes actually inflated, not on the sizes the archive declares.
public struct ZipReadLimits: Hashable, Sendable {
    /// Most entries the central directory may list. Default 100,000 (an XLSX has tens).
    public var maximumEntryCount: Int
    /// Most bytes one entry may inflate to. Default 8 GiB (a 1M-row sheet is about 0.5 GiB).
    public var maximumEntrySize: UInt64
    /// Most bytes all entries read through this reader may inflate to together. Default 16 GiB.
    public var maximumTotalSize: UInt64
    /// Largest ratio of inflated to compressed bytes an entry may reach, checked as it inflates
    /// once `ratioGraceSize` bytes are out. Default 500 (deflate peaks near 1,030 on zeros;
    /// real sheets stay under 100).
    public var maximumCompressionRatio: UInt64
    /// Inflated bytes an entry may produce before the ratio applies. Default 1 MiB.
    public var ratioGraceSize: UInt64

    public init(maximumEntryCount: Int = 100_000, maximumEntrySize: UInt64 = 8 << 30,
                maximumTotalSize: UInt64 = 16 << 30, maximumCompressionRatio: UInt64 = 500,
                ratioGraceSize: UInt64 = 1 << 20) {
        self.maximumEntryCount = maximumEntryCount
        self.maximumEntrySize = maximumEntrySize
        self.maximumTotalSize = maximumTotalSize
        self.maximumCompressionRatio = maximumCompressionRatio
        self.ratioGraceSize = ratioGraceSize
    }
}

/// One file in the archive, as its central directory describes it.
public struct ZipEntry: Hashable, Sendable {
    /// The name as stored (`xl/worksheets/sheet1.xml`).
    public var name: String
    /// 0 stored, 8 deflated.
    public var method: UInt16
    public var flags: UInt16
    public var crc32: UInt32
    public var compressedSize: UInt64
    public var uncompressedSize: UInt64
    /// Offset of the local file header.
    public var localHeaderOffset: UInt64

    /// True when the entry is encrypted (flag bit 0, or the AES method 99).
    public var isEncrypted: Bool { flags & 1 != 0 || method == 99 }
    /// True for a folder entry (`xl/`).
    public var isDirectory: Bool { name.hasSuffix("/") }
}

/// Where the archive's bytes are: an open file (read with pread, safe across threads) or memory.
final class ZipStorage: @unchecked Sendable {
    private let descriptor: Int32
    private let bytes: [UInt8]
    let size: UInt64

    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ZipReadError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw ZipReadError("\(path) is not a regular file")
        }
        self.descriptor = descriptor
        self.bytes = []
        self.size = UInt64(status.st_size)
    }

    init(bytes: [UInt8]) {
        self.descriptor = -1
        self.bytes = bytes
        self.size = UInt64(bytes.count)
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the archive.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < size, buffer.count > 0 else { return 0 }
        let count = Int(min(UInt64(buffer.count), size - offset))
        if descriptor < 0 {
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + Int(offset), byteCount: count)
            }
            return count
        }
        var done = 0
        while done < count {
            let result = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            if result < 0 {
                if errno == EINTR { continue }
                throw ZipReadError("read error at byte \(offset + UInt64(done)): \(String(cString: strerror(errno)))")
            }
            if result == 0 { break }
            done += result
        }
        return done
    }

    /// Exactly `count` bytes at `offset`, or an error saying the archive is truncated.
    func bytes(at offset: UInt64, count: Int, entry: String? = nil) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        let read = try result.withUnsafeMutableBytes { try self.read(at: offset, into: $0) }
        guard read == count else {
            throw ZipReadError(entry: entry, "the archive is truncated (wanted \(count) bytes at byte \(offset), it has \(size))")
        }
        return result
    }
}

/// Little-endian field access on a byte array.
private extension Array where Element == UInt8 {
    func uint16(at offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func uint32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }
    func uint64(at offset: Int) -> UInt64 { UInt64(uint32(at: offset)) | UInt64(uint32(at: offset + 4)) << 32 }
}

/// Reads a ZIP archive: its entries by name, each streamed and inflated chunk by chunk.
///
/// ```swift
/// let zip = try ZipReader(path: "book.xlsx")
/// if let sheet = zip.entry(named: "xl/worksheets/sheet1.xml") {
///     try zip.forEachChunk(of: sheet) { chunk in parser.parse(chunk) }
/// }
/// ```
public final class ZipReader: @unchecked Sendable {
    /// The entries in central-directory order.
    public let entries: [ZipEntry]
    public let limits: ZipReadLimits
    let storage: ZipStorage
    private let entryIndex: [String: Int]
    private let totalInflated = InflatedByteCounter()

    /// Opens the archive at `path`; only the central directory is read now.
    public convenience init(path: String, limits: ZipReadLimits = .init()) throws {
        try self.init(storage: ZipStorage(path: path), limits: limits)
    }

    /// Reads an archive held in memory.
    public convenience init(bytes: [UInt8], limits: ZipReadLimits = .init()) throws {
        try self.init(storage: ZipStorage(bytes: bytes), limits: limits)
    }

    init(storage: ZipStorage, limits: ZipReadLimits) throws {
        self.storage = storage
        self.limits = limits
        let entries = try ZipReader.readCentralDirectory(storage, limits: limits)
        self.entries = entries
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() where index[entry.name] == nil { index[entry.name] = position }
        self.entryIndex = index
    }

    /// The entry stored under exactly `name`.
    public func entry(named name: String) -> ZipEntry? { entryIndex[name].map { entries[$0] } }

    /// The entry for a part name as writers spell it in the wild: exact first, then ignoring a
    /// leading `/`, backslashes for slashes and letter case.
    public func findEntry(_ name: String) -> ZipEntry? {
        if let exact = entry(named: name) { return exact }
        let wanted = ZipReader.normalizedName(name)
        return entries.first { ZipReader.normalizedName($0.name) == wanted }
    }

    private static func normalizedName(_ name: String) -> String {
        var result = name.replacingBackslashes().lowercased()
        while result.hasPrefix("/") { result.removeFirst() }
        return result
    }

    /// Opens `entry` for reading in chunks.
    public func openEntry(_ entry: ZipEntry) throws -> ZipEntryReader {
        try ZipEntryReader(storage: storage, entry: entry, limits: limits, totalInflated: totalInflated)
    }

    /// Calls `body` with each inflated chunk of `entry` (at most `chunkSize` bytes), in order.
    /// The CRC is checked before the last call returns.
    public func forEachChunk(of entry: ZipEntry, chunkSize: Int = 1 << 16,
                             _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let reader = try openEntry(entry)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 1), alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try reader.read(into: buffer)
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// The whole inflated content of a small entry; an error when it inflates to more than
    /// `maximumSize` bytes (for parts read whole, such as `workbook.xml`).
    public func contents(of entry: ZipEntry, maximumSize: Int = 64 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        try forEachChunk(of: entry) { chunk in
            guard result.count + chunk.count <= maximumSize else {
                throw ZipReadError(entry: entry.name, "inflates to more than \(maximumSize) bytes")
            }
            result.append(contentsOf: chunk)
        }
        return result
    }

    // MARK: Central directory

    private static let endOfCentralDirectorySignature: UInt32 = 0x0605_4B50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4B50
    private static let zip64EndSignature: UInt32 = 0x0606_4B50
    private static let centralHeaderSignature: UInt32 = 0x0201_4B50

    private static func readCentralDirectory(_ storage: ZipStorage, limits: ZipReadLimits) throws -> [ZipEntry] {
        let size = storage.size
        let head = try storage.bytes(at: 0, count: Int(min(size, 8)))
        if head.count >= 8, head[0] == 0xD0, head[1] == 0xCF, head[2] == 0x11, head[3] == 0xE0 {
            throw ZipReadError("not a ZIP archive but an OLE2 compound file: an encrypted (password-protected) OOXML document or a legacy binary file (.xls/.doc)")
        }
        guard size >= 22 else {
            throw ZipReadError(size == 0 ? "the file is empty, not a ZIP archive" : "not a ZIP archive (too short: \(size) bytes)")
        }
        // The end record is 22 bytes plus a comment of at most 65,535 bytes, at the very end.
        let tailLength = Int(min(size, 22 + 65_535))
        let tailStart = size - UInt64(tailLength)
        let tail = try storage.bytes(at: tailStart, count: tailLength)
        var endOffset = -1
        var position = tailLength - 22
        while position >= 0 {
            if tail[position] == 0x50, tail.uint32(at: position) == endOfCentralDirectorySignature,
               position + 22 + Int(tail.uint16(at: position + 20)) <= tailLength {
                endOffset = position
                break
            }
            position -= 1
        }
        guard endOffset >= 0 else {
            let isLocalHeader = head.count >= 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 0x03 && head[3] == 0x04
            throw ZipReadError(isLocalHeader
                ? "the ZIP archive is truncated: its central directory (at the end of the file) is missing"
                : "not a ZIP archive (no end of central directory record)")
        }
        var entryCount = UInt64(tail.uint16(at: endOffset + 10))
        var directorySize = UInt64(tail.uint32(at: endOffset + 12))
        var directoryOffset = UInt64(tail.uint32(at: endOffset + 16))

        // ZIP64: a locator 20 bytes before the end record points at the ZIP64 end record.
        if endOffset >= 20, tail.uint32(at: endOffset - 20) == zip64LocatorSignature {
            let recordOffset = tail.uint64(at: endOffset - 20 + 8)
            let record = try storage.bytes(at: recordOffset, count: 56)
            guard record.uint32(at: 0) == zip64EndSignature else {
                throw ZipReadError("the ZIP64 end of central directory record is missing at byte \(recordOffset)")
            }
            entryCount = record.uint64(at: 32)
            directorySize = record.uint64(at: 40)
            directoryOffset = record.uint64(at: 48)
        }
        guard entryCount <= UInt64(limits.maximumEntryCount) else {
            throw ZipReadError("the archive lists \(entryCount) entries, more than the limit of \(limits.maximumEntryCount)")
        }
        guard directoryOffset <= size, directorySize <= size - directoryOffset else {
            throw ZipReadError("the ZIP archive is truncated or damaged: its central directory lies outside the file")
        }
        let directory = try storage.bytes(at: directoryOffset, count: Int(directorySize))
        var entries: [ZipEntry] = []
        entries.reserveCapacity(Int(entryCount))
        var offset = 0
        while entries.count < Int(entryCount) {
            guard offset + 46 <= directory.count, directory.uint32(at: offset) == centralHeaderSignature else {
                throw ZipReadError("the central directory is damaged at entry \(entries.count + 1)")
            }
            let nameLength = Int(directory.uint16(at: offset + 28))
            let extraLength = Int(directory.uint16(at: offset + 30))
            let commentLength = Int(directory.uint16(at: offset + 32))
            guard offset + 46 + nameLength + extraLength + commentLength <= directory.count else {
                throw ZipReadError("the central directory is damaged at entry \(entries.count + 1)")
            }
            let name = String(decoding: directory[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            var entry = ZipEntry(name: name, method: directory.uint16(at: offset + 10), flags: directory.uint16(at: offset + 8),
                                 crc32: directory.uint32(at: offset + 16),
                                 compressedSize: UInt64(directory.uint32(at: offset + 20)),
                                 uncompressedSize: UInt64(directory.uint32(at: offset + 24)),
                                 localHeaderOffset: UInt64(directory.uint32(at: offset + 42)))
            // ZIP64 extra field: the 64-bit values for the fields saturated at 0xFFFFFFFF, in order.
            var extra = offset + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let tag = directory.uint16(at: extra)
                let length = Int(directory.uint16(at: extra + 2))
                let dataStart = extra + 4
                guard dataStart + length <= extraEnd else { break }
                if tag == 0x0001 {
                    var field = dataStart
                    if entry.uncompressedSize == 0xFFFF_FFFF, field + 8 <= dataStart + length {
                        entry.uncompressedSize = directory.uint64(at: field)
                        field += 8
                    }
                    if entry.compressedSize == 0xFFFF_FFFF, field + 8 <= dataStart + length {
                        entry.compressedSize = directory.uint64(at: field)
                        field += 8
                    }
                    if entry.localHeaderOffset == 0xFFFF_FFFF, field + 8 <= dataStart + length {
                        entry.localHeaderOffset = directory.uint64(at: field)
                    }
                }
                extra = dataStart + length
            }
            entries.append(entry)
            offset += 46 + nameLength + extraLength + commentLength
        }
        return entries
    }
}

extension String {
    func replacingBackslashes() -> String {
        guard utf8.contains(0x5C) else { return self }
        return String(decoding: utf8.map { $0 == 0x5C ? 0x2F : $0 }, as: UTF8.self)
    }
}

/// Bytes inflated by all entries of one archive, against `maximumTotalSize`.
final class InflatedByteCounter: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var total: UInt64 = 0

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    /// Adds `count` and returns the new total.
    func add(_ count: UInt64) -> UInt64 {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        total += count
        return total
    }
}

/// Streams one entry: stored bytes copied, deflated bytes inflated, sizes and ratio checked as
/// they come, the CRC checked at the end. Pull-based: call `read(into:)` until it returns 0.
public final class ZipEntryReader: @unchecked Sendable {
    public let entry: ZipEntry
    private let storage: ZipStorage
    private let limits: ZipReadLimits
    private let totalInflated: InflatedByteCounter
    private var stream = z_stream()
    private var streamOpen = false
    private var input: UnsafeMutableRawBufferPointer
    private var nextInputOffset: UInt64
    private var inputRemaining: UInt64
    private var produced: UInt64 = 0
    private var checksum: UInt = 0
    private var finished = false

    init(storage: ZipStorage, entry: ZipEntry, limits: ZipReadLimits, totalInflated: InflatedByteCounter) throws {
        self.entry = entry
        self.storage = storage
        self.limits = limits
        self.totalInflated = totalInflated
        let name = entry.name
        if entry.isEncrypted {
            throw ZipReadError(entry: name, "the entry is encrypted (password-protected); tabconv reads only unencrypted archives")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw ZipReadError(entry: name, "unsupported compression method \(entry.method) (only stored and deflate are read)")
        }
        guard entry.uncompressedSize <= limits.maximumEntrySize else {
            throw ZipReadError(entry: name, "declares \(entry.uncompressedSize) bytes, more than the limit of \(limits.maximumEntrySize)")
        }
        let header = try storage.bytes(at: entry.localHeaderOffset, count: 30, entry: name)
        guard header.uint32(at: 0) == 0x0403_4B50 else {
            throw ZipReadError(entry: name, "the local header is missing at byte \(entry.localHeaderOffset): the archive is damaged")
        }
        let dataOffset = entry.localHeaderOffset + 30 + UInt64(header.uint16(at: 26)) + UInt64(header.uint16(at: 28))
        guard dataOffset <= storage.size, entry.compressedSize <= storage.size - dataOffset else {
            throw ZipReadError(entry: name, "the archive is truncated: the entry's data runs past the end of the file")
        }
        nextInputOffset = dataOffset
        inputRemaining = entry.compressedSize
        input = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        if entry.method == 8 {
            let status = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard status == Z_OK else {
                input.deallocate()
                throw ZipReadError(entry: name, "zlib cannot start inflating (status \(status))")
            }
            streamOpen = true
        }
    }

    deinit {
        if streamOpen { inflateEnd(&stream) }
        input.deallocate()
    }

    /// Fills the start of `buffer` with the next inflated bytes and returns their count; 0 at the
    /// end of the entry, after its size and CRC have been checked.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !finished, buffer.count > 0 else { return 0 }
        let count = entry.method == 8 ? try inflateSome(into: buffer) : try copyStored(into: buffer)
        if count == 0 {
            try finish()
            return 0
        }
        try account(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        return count
    }

    private func copyStored(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard inputRemaining > 0 else { return 0 }
        let want = Int(min(UInt64(buffer.count), inputRemaining))
        let got = try storage.read(at: nextInputOffset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
        guard got == want else { throw ZipReadError(entry: entry.name, "the archive is truncated inside this entry") }
        nextInputOffset += UInt64(got)
        inputRemaining -= UInt64(got)
        return got
    }

    private func inflateSome(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && inputRemaining > 0 {
                let want = Int(min(UInt64(input.count), inputRemaining))
                let got = try storage.read(at: nextInputOffset, into: UnsafeMutableRawBufferPointer(rebasing: input[0..<want]))
                guard got == want else { throw ZipReadError(entry: entry.name, "the archive is truncated inside this entry") }
                nextInputOffset += UInt64(got)
                inputRemaining -= UInt64(got)
                stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_in = UInt32(got)
            }
            let before = stream.avail_out
            let status = inflate(&stream, Z_NO_FLUSH)
            if status == Z_STREAM_END { break }
            switch status {
            case Z_OK:
                continue
            case Z_BUF_ERROR where stream.avail_in == 0 && inputRemaining == 0 && stream.avail_out == before:
                throw ZipReadError(entry: entry.name, "the compressed data ends too early: the entry is truncated")
            case Z_BUF_ERROR:
                continue
            default:
                let detail = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                throw ZipReadError(entry: entry.name, "the compressed data is damaged (\(detail))")
            }
        }
        return buffer.count - Int(stream.avail_out)
    }

    private func account(_ chunk: UnsafeRawBufferPointer) throws {
        produced += UInt64(chunk.count)
        if produced > entry.uncompressedSize {
            throw ZipReadError(entry: entry.name, "inflates to more than the \(entry.uncompressedSize) bytes it declares")
        }
        if produced > limits.ratioGraceSize {
            let consumed = max(entry.compressedSize - inputRemaining - UInt64(stream.avail_in), 1)
            if produced / consumed > limits.maximumCompressionRatio {
                throw ZipReadError(entry: entry.name, "compression ratio above \(limits.maximumCompressionRatio):1 (a ZIP bomb?); raise the limit to read it")
            }
        }
        if totalInflated.add(UInt64(chunk.count)) > limits.maximumTotalSize {
            throw ZipReadError(entry: entry.name, "the archive inflates to more than the limit of \(limits.maximumTotalSize) bytes")
        }
        checksum = crc32(checksum, chunk.baseAddress!.assumingMemoryBound(to: Bytef.self), UInt32(chunk.count))
    }

    private func finish() throws {
        finished = true
        guard produced == entry.uncompressedSize else {
            throw ZipReadError(entry: entry.name, "inflates to \(produced) bytes, not the \(entry.uncompressedSize) it declares: the entry is damaged")
        }
        guard UInt32(truncatingIfNeeded: checksum) == entry.crc32 else {
            throw ZipReadError(entry: entry.name, "CRC mismatch: the entry is damaged")
        }
    }
}
