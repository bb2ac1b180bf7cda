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
///
/// With `deflatesInBackground`, entry data written as `[UInt8]` chunks is deflated on a second
/// thread while the caller produces the next chunk (the same bytes result); the sink is then
/// called from that thread, one call at a time.
public final class ZipWriter: ByteSink {
    /// When to use ZIP64 records.
    public enum ZIP64Mode: Sendable {
        /// Only where a value passes the classic limits: an entry or offset of 4 GiB or more,
        /// 65,535 entries or more. The local header of a streamed entry cannot know its size in
        /// advance, so an entry that grows past 4 GiB gets 8-byte sizes in its data descriptor and
        /// a ZIP64 field in the central directory, which is where readers take sizes from.
        case automatic
        /// Every entry and the end of the archive use ZIP64 records (for tests and for readers
        /// that want the local header to announce 8-byte descriptor sizes). Not for files meant
        /// for people: LibreOffice before 7.6 cannot open an archive with a ZIP64 end record.
        case always
    }

    private struct CentralEntry {
        var name: [UInt8]
        var flags: UInt16
        var crc: UInt32 = 0
        var compressedSize: UInt64 = 0
        var uncompressedSize: UInt64 = 0
        var localHeaderOffset: UInt64
        var zip64InLocalHeader: Bool
        /// Version needed 4.5 in the headers.
        var announcesZIP64: Bool
    }

    private let output: ZipWriterOutput
    private var background: ZipWriterBackgroundDeflater?
    private let zip64Mode: ZIP64Mode
    private var entries: [CentralEntry] = []
    private var names: Set<String> = []
    private var finished = false
    private var openName: String?
    private var openEntry: CentralEntry?

    /// A writer sending the archive to `output`; with `deflatesInBackground`, entry data is
    /// deflated on a thread of its own.
    public init(output: ByteSink, zip64: ZIP64Mode = .automatic, deflatesInBackground: Bool = false) {
        self.output = ZipWriterOutput(sink: output)
        self.zip64Mode = zip64
        self.background = deflatesInBackground ? ZipWriterBackgroundDeflater(output: self.output) : nil
    }

    deinit {
        background?.stop()
    }

    /// Starts an entry named `name` (a relative path with `/` separators), deflated at
    /// `compressionLevel` (0 stores deflate blocks uncompressed, 1 is fastest, 9 smallest).
    /// `mayExceed4GiB` marks a streamed entry whose size is not known in advance: its local
    /// header then asks for version 4.5, which Excel requires to accept an entry that turns out
    /// to need ZIP64 (a reader that knows version 2.0 only reads it the same way).
    public func beginEntry(_ name: String, compressionLevel: Int = 6, mayExceed4GiB: Bool = false) throws {
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
        let entry = CentralEntry(name: nameBytes, flags: flags, localHeaderOffset: output.offset,
                                 zip64InLocalHeader: zip64, announcesZIP64: zip64 || mayExceed4GiB)
        try located(name) {
            // Local file header; CRC and sizes follow in the data descriptor.
            try output.appendInteger(ZipFormat.localFileHeaderSignature)
            try output.appendInteger(entry.announcesZIP64 ? ZipFormat.versionZIP64 : ZipFormat.versionDeflate)
            try output.appendInteger(flags)
            try output.appendInteger(ZipFormat.methodDeflate)
            try output.appendInteger(ZipFormat.fixedDOSTime)
            try output.appendInteger(ZipFormat.fixedDOSDate)
            try output.appendInteger(UInt32(0))  // CRC-32
            try output.appendInteger(zip64 ? UInt32.max : 0)  // compressed size
            try output.appendInteger(zip64 ? UInt32.max : 0)  // uncompressed size
            try output.appendInteger(UInt16(nameBytes.count))
            try output.appendInteger(UInt16(zip64 ? 20 : 0))  // extra field length
            try output.appendBytes(nameBytes)
            if zip64 {
                try output.appendInteger(ZipFormat.zip64ExtraFieldID)
                try output.appendInteger(UInt16(16))
                try output.appendInteger(UInt64(0))  // uncompressed size, in the descriptor
                try output.appendInteger(UInt64(0))  // compressed size, in the descriptor
            }
            try output.startDeflate(level: compressionLevel)
        }
        openName = name
        openEntry = entry
    }

    /// Adds bytes to the open entry.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard openEntry != nil else { throw FormatError("no ZIP entry is open to write to") }
        if let background {
            try located(openName) { try background.enqueue(Array(bytes)) }
        } else {
            try located(openName) { try output.deflateData(bytes) }
        }
    }

    /// Adds bytes to the open entry (without a copy when deflating in the background).
    public func write(_ bytes: [UInt8]) throws {
        guard openEntry != nil else { throw FormatError("no ZIP entry is open to write to") }
        if let background {
            try located(openName) { try background.enqueue(bytes) }
        } else {
            try located(openName) { try bytes.withUnsafeBytes { try output.deflateData($0) } }
        }
    }

    /// Ends the open entry: flushes the deflate stream and writes the data descriptor.
    public func endEntry() throws {
        guard var entry = openEntry else { throw FormatError("no ZIP entry is open to end") }
        try located(openName) {
            try background?.waitUntilIdle()
            try output.finishDeflate()
            entry.crc = output.crc
            entry.compressedSize = output.compressedSize
            entry.uncompressedSize = output.uncompressedSize
            let zip64Sizes = entry.zip64InLocalHeader || entry.compressedSize >= ZipFormat.maximumClassicSize
                || entry.uncompressedSize >= ZipFormat.maximumClassicSize
            try output.appendInteger(ZipFormat.dataDescriptorSignature)
            try output.appendInteger(entry.crc)
            if zip64Sizes {
                try output.appendInteger(entry.compressedSize)
                try output.appendInteger(entry.uncompressedSize)
            } else {
                try output.appendInteger(UInt32(entry.compressedSize))
                try output.appendInteger(UInt32(entry.uncompressedSize))
            }
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
        background?.stop()
        background = nil
        let directoryOffset = output.offset
        for entry in entries { try appendCentralDirectoryHeader(entry) }
        let directorySize = output.offset - directoryOffset

        let needsZIP64End = zip64Mode == .always || entries.count >= ZipFormat.maximumClassicEntryCount
            || directoryOffset >= ZipFormat.maximumClassicSize || directorySize >= ZipFormat.maximumClassicSize
        if needsZIP64End {
            let recordOffset = output.offset
            try output.appendInteger(ZipFormat.zip64EndOfCentralDirectorySignature)
            try output.appendInteger(UInt64(44))  // size of the rest of this record
            try output.appendInteger(ZipFormat.versionZIP64)  // version made by (MS-DOS host)
            try output.appendInteger(ZipFormat.versionZIP64)  // version needed
            try output.appendInteger(UInt32(0))  // this disk
            try output.appendInteger(UInt32(0))  // disk with the central directory
            try output.appendInteger(UInt64(entries.count))
            try output.appendInteger(UInt64(entries.count))
            try output.appendInteger(directorySize)
            try output.appendInteger(directoryOffset)
            try output.appendInteger(ZipFormat.zip64EndOfCentralDirectoryLocatorSignature)
            try output.appendInteger(UInt32(0))  // disk with the ZIP64 end record
            try output.appendInteger(recordOffset)
            try output.appendInteger(UInt32(1))  // total disks
        }
        let classicCount = UInt16(min(entries.count, ZipFormat.maximumClassicEntryCount))
        try output.appendInteger(ZipFormat.endOfCentralDirectorySignature)
        try output.appendInteger(UInt16(0))  // this disk
        try output.appendInteger(UInt16(0))  // disk with the central directory
        try output.appendInteger(classicCount)
        try output.appendInteger(classicCount)
        try output.appendInteger(UInt32(min(directorySize, ZipFormat.maximumClassicSize)))
        try output.appendInteger(UInt32(min(directoryOffset, ZipFormat.maximumClassicSize)))
        try output.appendInteger(UInt16(0))  // comment length
        try output.flush()
        finished = true
    }

    private func appendCentralDirectoryHeader(_ entry: CentralEntry) throws {
        let forced = zip64Mode == .always
        let bigUncompressed = forced || entry.uncompressedSize >= ZipFormat.maximumClassicSize
        let bigCompressed = forced || entry.compressedSize >= ZipFormat.maximumClassicSize
        let bigOffset = forced || entry.localHeaderOffset >= ZipFormat.maximumClassicSize
        let extraLength = (bigUncompressed ? 8 : 0) + (bigCompressed ? 8 : 0) + (bigOffset ? 8 : 0)
        let version = extraLength > 0 || entry.announcesZIP64 ? ZipFormat.versionZIP64 : ZipFormat.versionDeflate

        try output.appendInteger(ZipFormat.centralDirectoryHeaderSignature)
        try output.appendInteger(version)  // version made by: MS-DOS host, no Unix attributes
        try output.appendInteger(version)  // version needed
        try output.appendInteger(entry.flags)
        try output.appendInteger(ZipFormat.methodDeflate)
        try output.appendInteger(ZipFormat.fixedDOSTime)
        try output.appendInteger(ZipFormat.fixedDOSDate)
        try output.appendInteger(entry.crc)
        try output.appendInteger(bigCompressed ? UInt32.max : UInt32(entry.compressedSize))
        try output.appendInteger(bigUncompressed ? UInt32.max : UInt32(entry.uncompressedSize))
        try output.appendInteger(UInt16(entry.name.count))
        try output.appendInteger(UInt16(extraLength > 0 ? 4 + extraLength : 0))
        try output.appendInteger(UInt16(0))  // comment length
        try output.appendInteger(UInt16(0))  // disk number start
        try output.appendInteger(UInt16(0))  // internal attributes
        try output.appendInteger(UInt32(0))  // external attributes
        try output.appendInteger(bigOffset ? UInt32.max : UInt32(entry.localHeaderOffset))
        try output.appendBytes(entry.name)
        if extraLength > 0 {
            // The fields appear in this order, each only when its classic field is saturated.
            try output.appendInteger(ZipFormat.zip64ExtraFieldID)
            try output.appendInteger(UInt16(extraLength))
            if bigUncompressed { try output.appendInteger(entry.uncompressedSize) }
            if bigCompressed { try output.appendInteger(entry.compressedSize) }
            if bigOffset { try output.appendInteger(entry.localHeaderOffset) }
        }
    }

    /// Runs `body`, giving an error without a place the entry's name.
    private func located(_ name: String?, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch var error as FormatError {
            if error.place == nil { error.place = name }
            throw error
        }
    }
}
