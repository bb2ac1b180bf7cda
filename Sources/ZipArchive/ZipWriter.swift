import CZlib
import TableModel

/// Writes a ZIP archive to a sink that cannot seek, one entry after another.
///
/// ```swift
/// let zip = ZipWriter(output: sink)
/// try zip.addEntry("mimetype", bytes: Array("text/plain".utf8))
/// try zip.beginEntry("data.xml", compressionLevel: 1)
/// try zip.write(chunk)            // as often as needed
/// try zip.endEntry()
/// try zip.finish()                // writes the central directory
/// ```
///
/// Entries are deflated (raw deflate, method 8) at the level given per entry, with the CRC and
/// sizes in a data descriptor after the data. The output depends only on the calls made: every
/// entry is dated 1980-01-01 00:00. Errors (a duplicate name, a call out of order, a sink that
/// fails) are `FormatError`s naming the entry. `ZipWriter` is also a `ByteSink` that writes into
/// the open entry, so a `ByteWriter` can stream into an entry.
public final class ZipWriter: ByteSink {
    /// When to use ZIP64 records.
    public enum ZIP64Mode: Sendable {
        /// Only where a value passes the classic limits: an entry or offset of 4 GiB or more,
        /// 65,535 entries or more. The local header of a streamed entry cannot know its size in
        /// advance, so an entry that grows past 4 GiB gets 8-byte sizes in its data descriptor and
        /// a ZIP64 field in the central directory, which is where readers take sizes from.
        case automatic
        /// Every entry and the end of the archive use ZIP64 records (for tests and for readers
        /// that want the local header to announce 8-byte descriptor sizes).
        case always
    }

    private struct CentralEntry {
        var name: [UInt8]
        var flags: UInt16
        var crc: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
        var zip64InLocalHeader: Bool
    }

    private let output: ByteSink
    private let zip64Mode: ZIP64Mode
    /// Bytes waiting to go to the sink.
    private let pending: UnsafeMutableRawBufferPointer
    private var pendingCount = 0
    /// Bytes passed to the sink or pending: the offset of the next record.
    private var offset: UInt64 = 0
    private var entries: [CentralEntry] = []
    private var names: Set<String> = []
    private var finished = false

    // The open entry.
    private var openName: String?
    private var openEntry: CentralEntry?
    private let stream: UnsafeMutablePointer<z_stream>
    private var streamInitialized = false

    private static let pendingCapacity = 1 << 17

    /// A writer sending the archive to `output`.
    public init(output: ByteSink, zip64: ZIP64Mode = .automatic) {
        self.output = output
        self.zip64Mode = zip64
        pending = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.pendingCapacity, alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if streamInitialized { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        pending.deallocate()
    }

    /// The number of entries written or open.
    public var entryCount: Int { entries.count + (openEntry == nil ? 0 : 1) }

    /// Starts an entry named `name` (a relative path with `/` separators), deflated at
    /// `compressionLevel` (0 stores deflate blocks uncompressed, 1 is fastest, 9 smallest).
    public func beginEntry(_ name: String, compressionLevel: Int = 6) throws {
        guard !finished else { throw FormatError(place: name, "the ZIP archive is already finished") }
        if let openName { throw FormatError(place: name, "entry \(openName) is still open") }
        guard (0...9).contains(compressionLevel) else {
            throw FormatError(place: name, "compression level \(compressionLevel) is not between 0 and 9")
        }
        let nameBytes = Array(name.utf8)
        guard !nameBytes.isEmpty, nameBytes.count <= Int(UInt16.max) else {
            throw FormatError(place: name, "a ZIP entry name must have 1 to 65,535 bytes")
        }
        guard names.insert(name).inserted else { throw FormatError(place: name, "duplicate ZIP entry name") }

        var flags = ZipFormat.flagDataDescriptor
        if nameBytes.contains(where: { $0 >= 0x80 }) { flags |= ZipFormat.flagUTF8Name }
        let zip64 = zip64Mode == .always
        let entry = CentralEntry(name: nameBytes, flags: flags, crc: 0, compressedSize: 0, uncompressedSize: 0,
                                 localHeaderOffset: offset, zip64InLocalHeader: zip64)

        // Local file header; CRC and sizes follow in the data descriptor.
        try appendUInt32(ZipFormat.localFileHeaderSignature)
        try appendUInt16(zip64 ? ZipFormat.versionZIP64 : ZipFormat.versionDeflate)
        try appendUInt16(flags)
        try appendUInt16(ZipFormat.methodDeflate)
        try appendUInt16(ZipFormat.fixedDOSTime)
        try appendUInt16(ZipFormat.fixedDOSDate)
        try appendUInt32(0)  // CRC-32
        try appendUInt32(zip64 ? UInt32.max : 0)  // compressed size
        try appendUInt32(zip64 ? UInt32.max : 0)  // uncompressed size
        try appendUInt16(UInt16(nameBytes.count))
        try appendUInt16(zip64 ? 20 : 0)  // extra field length
        try appendBytes(nameBytes)
        if zip64 {
            try appendUInt16(ZipFormat.zip64ExtraFieldID)
            try appendUInt16(16)
            try appendUInt64(0)  // uncompressed size, in the descriptor
            try appendUInt64(0)  // compressed size, in the descriptor
        }

        stream.pointee = z_stream()
        let status = deflateInit2_(stream, Int32(compressionLevel), Z_DEFLATED, -MAX_WBITS, 8,
                                   Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw FormatError(place: name, "zlib could not start deflate (status \(status))") }
        streamInitialized = true
        openName = name
        openEntry = entry
    }

    /// Adds bytes to the open entry.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var entry = openEntry else { throw FormatError("no ZIP entry is open to write to") }
        guard let base = bytes.baseAddress else { return }
        var remaining = bytes.count
        var input = base.assumingMemoryBound(to: UInt8.self)
        // zlib counts in 32-bit units: feed at most 1 GiB a call.
        while remaining > 0 {
            let chunk = min(remaining, 1 << 30)
            entry.crc = UInt32(crc32(uLong(entry.crc), input, uInt(chunk)))
            entry.uncompressedSize += UInt64(chunk)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input)
            stream.pointee.avail_in = uInt(chunk)
            try deflatePending(flush: Z_NO_FLUSH)
            input += chunk
            remaining -= chunk
        }
        openEntry = entry
    }

    /// Adds bytes to the open entry.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Ends the open entry: flushes the deflate stream and writes the data descriptor.
    public func endEntry() throws {
        guard var entry = openEntry else { throw FormatError("no ZIP entry is open to end") }
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try deflatePending(flush: Z_FINISH)
        entry.compressedSize = UInt64(stream.pointee.total_out)
        deflateEnd(stream)
        streamInitialized = false

        let zip64Sizes = entry.zip64InLocalHeader || entry.compressedSize >= ZipFormat.maximumClassicSize
            || entry.uncompressedSize >= ZipFormat.maximumClassicSize
        try appendUInt32(ZipFormat.dataDescriptorSignature)
        try appendUInt32(entry.crc)
        if zip64Sizes {
            try appendUInt64(entry.compressedSize)
            try appendUInt64(entry.uncompressedSize)
        } else {
            try appendUInt32(UInt32(entry.compressedSize))
            try appendUInt32(UInt32(entry.uncompressedSize))
        }
        entries.append(entry)
        openEntry = nil
        openName = nil
    }

    /// Writes a whole entry at once.
    public func addEntry(_ name: String, bytes: [UInt8], compressionLevel: Int = 6) throws {
        try beginEntry(name, compressionLevel: compressionLevel)
        try write(bytes)
        try endEntry()
    }

    /// Writes the central directory and the end records, and flushes everything to the sink.
    /// No entry may be open.
    public func finish() throws {
        guard !finished else { return }
        if let openName { throw FormatError(place: openName, "entry is still open when the ZIP archive ends") }
        let directoryOffset = offset
        for entry in entries { try appendCentralDirectoryHeader(entry) }
        let directorySize = offset - directoryOffset

        let needsZIP64End = zip64Mode == .always || entries.count >= ZipFormat.maximumClassicEntryCount
            || directoryOffset >= ZipFormat.maximumClassicSize || directorySize >= ZipFormat.maximumClassicSize
        if needsZIP64End {
            let recordOffset = offset
            try appendUInt32(ZipFormat.zip64EndOfCentralDirectorySignature)
            try appendUInt64(44)  // size of the rest of this record
            try appendUInt16(ZipFormat.versionZIP64)  // version made by (MS-DOS host)
            try appendUInt16(ZipFormat.versionZIP64)  // version needed
            try appendUInt32(0)  // this disk
            try appendUInt32(0)  // disk with the central directory
            try appendUInt64(UInt64(entries.count))
            try appendUInt64(UInt64(entries.count))
            try appendUInt64(directorySize)
            try appendUInt64(directoryOffset)
            try appendUInt32(ZipFormat.zip64EndOfCentralDirectoryLocatorSignature)
            try appendUInt32(0)  // disk with the ZIP64 end record
            try appendUInt64(recordOffset)
            try appendUInt32(1)  // total disks
        }
        let classicCount = UInt16(min(entries.count, ZipFormat.maximumClassicEntryCount))
        try appendUInt32(ZipFormat.endOfCentralDirectorySignature)
        try appendUInt16(0)  // this disk
        try appendUInt16(0)  // disk with the central directory
        try appendUInt16(classicCount)
        try appendUInt16(classicCount)
        try appendUInt32(UInt32(min(directorySize, ZipFormat.maximumClassicSize)))
        try appendUInt32(UInt32(min(directoryOffset, ZipFormat.maximumClassicSize)))
        try appendUInt16(0)  // comment length
        try flushPending()
        finished = true
    }

    // MARK: - Records

    private func appendCentralDirectoryHeader(_ entry: CentralEntry) throws {
        let forced = zip64Mode == .always
        let bigUncompressed = forced || entry.uncompressedSize >= ZipFormat.maximumClassicSize
        let bigCompressed = forced || entry.compressedSize >= ZipFormat.maximumClassicSize
        let bigOffset = forced || entry.localHeaderOffset >= ZipFormat.maximumClassicSize
        let extraLength = (bigUncompressed ? 8 : 0) + (bigCompressed ? 8 : 0) + (bigOffset ? 8 : 0)
        let usesZIP64 = extraLength > 0 || entry.zip64InLocalHeader
        let version = usesZIP64 ? ZipFormat.versionZIP64 : ZipFormat.versionDeflate

        try appendUInt32(ZipFormat.centralDirectoryHeaderSignature)
        try appendUInt16(version)  // version made by: MS-DOS host, no Unix attributes
        try appendUInt16(version)  // version needed
        try appendUInt16(entry.flags)
        try appendUInt16(ZipFormat.methodDeflate)
        try appendUInt16(ZipFormat.fixedDOSTime)
        try appendUInt16(ZipFormat.fixedDOSDate)
        try appendUInt32(entry.crc)
        try appendUInt32(bigCompressed ? UInt32.max : UInt32(entry.compressedSize))
        try appendUInt32(bigUncompressed ? UInt32.max : UInt32(entry.uncompressedSize))
        try appendUInt16(UInt16(entry.name.count))
        try appendUInt16(extraLength > 0 ? UInt16(4 + extraLength) : 0)
        try appendUInt16(0)  // comment length
        try appendUInt16(0)  // disk number start
        try appendUInt16(0)  // internal attributes
        try appendUInt32(0)  // external attributes
        try appendUInt32(bigOffset ? UInt32.max : UInt32(entry.localHeaderOffset))
        try appendBytes(entry.name)
        if extraLength > 0 {
            // The fields appear in this order, each only when its classic field is saturated.
            try appendUInt16(ZipFormat.zip64ExtraFieldID)
            try appendUInt16(UInt16(extraLength))
            if bigUncompressed { try appendUInt64(entry.uncompressedSize) }
            if bigCompressed { try appendUInt64(entry.compressedSize) }
            if bigOffset { try appendUInt64(entry.localHeaderOffset) }
        }
    }

    // MARK: - Output

    /// Runs deflate over the stream's pending input with `flush`, moving its output to the sink;
    /// with `Z_FINISH`, until the stream ends.
    private func deflatePending(flush: Int32) throws {
        let base = pending.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while true {
            if pendingCount == pending.count { try flushPending() }
            let room = pending.count - pendingCount
            stream.pointee.next_out = base + pendingCount
            stream.pointee.avail_out = uInt(room)
            let status = deflate(stream, flush)
            let produced = room - Int(stream.pointee.avail_out)
            pendingCount += produced
            offset += UInt64(produced)
            if flush == Z_FINISH {
                if status == Z_STREAM_END { return }
            } else if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                return
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw FormatError(place: openName, "zlib deflate failed (status \(status))")
            }
        }
    }

    private func flushPending() throws {
        guard pendingCount > 0 else { return }
        try output.write(UnsafeRawBufferPointer(rebasing: pending[0..<pendingCount]))
        pendingCount = 0
    }

    private func appendBytes(_ bytes: [UInt8]) throws {
        var index = 0
        while index < bytes.count {
            if pendingCount == pending.count { try flushPending() }
            let count = min(bytes.count - index, pending.count - pendingCount)
            bytes.withUnsafeBytes { source in
                (pending.baseAddress! + pendingCount).copyMemory(from: source.baseAddress! + index, byteCount: count)
            }
            pendingCount += count
            index += count
        }
        offset += UInt64(bytes.count)
    }

    private func appendInteger<Value: FixedWidthInteger>(_ value: Value) throws {
        let size = MemoryLayout<Value>.size
        if pending.count - pendingCount < size { try flushPending() }
        var littleEndian = value.littleEndian
        withUnsafeBytes(of: &littleEndian) { source in
            (pending.baseAddress! + pendingCount).copyMemory(from: source.baseAddress!, byteCount: size)
        }
        pendingCount += size
        offset += UInt64(size)
    }

    private func appendUInt16(_ value: UInt16) throws { try appendInteger(value) }
    private func appendUInt32(_ value: UInt32) throws { try appendInteger(value) }
    private func appendUInt64(_ value: UInt64) throws { try appendInteger(value) }
}
