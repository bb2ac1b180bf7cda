// ZipArchive: ZIP archives over zlib's raw deflate, for the XLSX and ODS formats.
//
// Writing (`ZipWriter`) streams: each entry's bytes are CRC-32'd and deflated as they come and
// go straight to a `ByteSink`, which cannot seek, so every entry has general-purpose bit 3 set
// and its CRC and sizes follow its data in a data descriptor; the central directory, collected
// in memory (a few dozen bytes an entry), closes the archive. ZIP64 extra fields and end records
// appear exactly when a size, an offset or the entry count passes the classic format's limits
// (or always, on request). Timestamps are fixed, so the same input gives the same bytes.

/// Record signatures, version numbers and limits of the ZIP format (APPNOTE 6.3.x).
enum ZipFormat {
    static let localFileHeaderSignature: UInt32 = 0x0403_4B50
    static let dataDescriptorSignature: UInt32 = 0x0807_4B50
    static let centralDirectoryHeaderSignature: UInt32 = 0x0201_4B50
    static let zip64EndOfCentralDirectorySignature: UInt32 = 0x0606_4B50
    static let zip64EndOfCentralDirectoryLocatorSignature: UInt32 = 0x0706_4B50
    static let endOfCentralDirectorySignature: UInt32 = 0x0605_4B50

    /// The ZIP64 extended information extra field's header id.
    static let zip64ExtraFieldID: UInt16 = 0x0001

    /// Version needed to extract: 2.0 for deflate, 4.5 for ZIP64.
    static let versionDeflate: UInt16 = 20
    static let versionZIP64: UInt16 = 45

    /// General-purpose flag bits: sizes and CRC in a data descriptor; UTF-8 names.
    static let flagDataDescriptor: UInt16 = 1 << 3
    static let flagUTF8Name: UInt16 = 1 << 11

    /// Compression method 8.
    static let methodDeflate: UInt16 = 8

    /// Fields of the classic records saturate at these values; ZIP64 holds the real ones.
    static let maximumClassicSize: UInt64 = 0xFFFF_FFFF
    static let maximumClassicEntryCount = 0xFFFF

    /// 1980-01-01 00:00:00, the earliest MS-DOS timestamp, used for every entry.
    static let fixedDOSTime: UInt16 = 0
    static let fixedDOSDate: UInt16 = (0 << 9) | (1 << 5) | 1
}
