#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TableModel

/// The input side of `CSVReader`: reads blocks from a `ByteSource`, decodes them to UTF-8 when
/// the input is UTF-16 or GB18030, sniffs the delimiter on the first block and feeds the
/// `CSVScanner`, one record at a time into a reused `CSVRecord`.
final class CSVRecordReader {
    let encoding: TextEncoding
    /// The delimiter given or sniffed (set once the first block is decoded).
    private(set) var delimiter: UInt8 = DelimiterSniffer.candidates[0]
    /// The record `next()` read last.
    private(set) var record = CSVRecord()

    private let source: ByteSource
    private let blockSize: Int
    private let transcoder: Transcoder?
    private var scanner: CSVScanner
    /// Holds the block of UTF-8 bytes being scanned.
    private let storage: BlockStorage
    private var chunk: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var sourceEnded = false
    /// Source bytes given to the transcoder before the current block, to place its errors.
    private var sourceBytesBeforeChunk = 0

    init(source: ByteSource, options: CSVReadOptions) throws {
        self.source = source
        blockSize = max(options.blockSize, 4)
        storage = BlockStorage(capacity: blockSize)
        chunk = UnsafeBufferPointer(start: storage.pointer, count: 0)
        // The first block, filled as far as the source allows: it decides encoding and delimiter.
        var filled = 0
        while filled < blockSize {
            let count = try source.read(into: UnsafeMutableRawBufferPointer(start: storage.pointer + filled, count: blockSize - filled))
            if count == 0 { sourceEnded = true; break }
            filled += count
        }
        let first = UnsafeBufferPointer(start: storage.pointer, count: filled)
        let (encoding, bomLength) = TextDecoding.detect(UnsafeRawBufferPointer(first), isComplete: sourceEnded)
        self.encoding = encoding
        // A scanner at line 1 places errors of the first block; the delimiter is set below.
        scanner = CSVScanner(delimiter: delimiter, limits: options.limits)
        if encoding == .utf8 {
            transcoder = nil
            chunk = UnsafeBufferPointer(rebasing: first[bomLength...])
        } else {
            transcoder = try Transcoder(from: encoding)
            try decode(Array(first[bomLength...]), isFinal: sourceEnded)
        }
        if let base = chunk.baseAddress, let nul = memchr(base, 0, chunk.count) {
            let offset = UnsafeRawPointer(nul) - UnsafeRawPointer(base)
            throw FormatError(line: TextDecoding.line(ofOffset: offset, in: chunk), "a NUL byte: binary data or UTF-16 without a byte order mark, not CSV text")
        }
        delimiter = options.delimiter ?? DelimiterSniffer.sniff(chunk, isComplete: sourceEnded, limits: options.limits)
        scanner = CSVScanner(delimiter: delimiter, limits: options.limits)
    }

    /// Reads the next record into `record`; false at the end of the input.
    func next() throws -> Bool {
        // Scanned in local copies, written back once: no exclusive access to this object's
        // properties held per block.
        var scanner = self.scanner
        var record = self.record
        var position = self.position
        defer {
            self.scanner = scanner
            self.record = record
            self.position = position
        }
        while true {
            if position < chunk.count {
                if try scanner.scan(chunk, position: &position, into: &record) { return true }
            } else if sourceEnded {
                return try scanner.finish(into: &record)
            } else {
                try readBlock()
                position = 0
            }
        }
    }

    /// The 1-based line of byte `offset` of field `index` of the current record.
    func line(ofField index: Int, offset: Int) -> Int {
        record.line + record.lineBreaks(before: record.fieldStart(index) + offset)
    }

    private func readBlock() throws {
        let count = try source.read(into: UnsafeMutableRawBufferPointer(start: storage.pointer, count: blockSize))
        if count == 0 { sourceEnded = true }
        if transcoder != nil {
            try decode(Array(UnsafeBufferPointer(start: storage.pointer, count: count)), isFinal: sourceEnded)
        } else {
            chunk = UnsafeBufferPointer(start: storage.pointer, count: count)
        }
    }

    /// Converts a block of source bytes to UTF-8 and makes it the current chunk.
    private func decode(_ bytes: [UInt8], isFinal: Bool) throws {
        guard let transcoder else { return }
        let utf8: [UInt8]
        do {
            utf8 = try transcoder.convert(bytes, isFinal: isFinal)
        } catch var error as FormatError {
            // The transcoder knows the byte; name the line: the lines scanned so far plus the
            // line breaks of this block before the bad byte.
            error.line = scanner.line + lineBreaks(in: bytes, before: errorOffset(error) - sourceBytesBeforeChunk)
            throw error
        }
        sourceBytesBeforeChunk += bytes.count
        storage.reserve(utf8.count)
        utf8.withUnsafeBufferPointer { decoded in
            if let base = decoded.baseAddress { storage.pointer.update(from: base, count: decoded.count) }
        }
        chunk = UnsafeBufferPointer(start: storage.pointer, count: utf8.count)
    }

    /// The source byte offset a transcoder error names in its place (`byte 1234`).
    private func errorOffset(_ error: FormatError) -> Int {
        guard let place = error.place, place.hasPrefix("byte "), let offset = Int(place.dropFirst(5)) else { return 0 }
        return offset
    }

    /// Line breaks in source bytes before `offset`: GB18030 keeps ASCII (no multi-byte sequence
    /// holds 0x0A or 0x0D), UTF-16 has them as 16-bit units.
    private func lineBreaks(in bytes: [UInt8], before offset: Int) -> Int {
        let end = min(max(offset, 0), bytes.count)
        var count = 0
        switch encoding {
        case .utf16LittleEndian, .utf16BigEndian:
            let lowFirst = encoding == .utf16LittleEndian
            var previousWasCarriageReturn = false
            var index = 0
            while index + 1 < end {
                let unit = lowFirst ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                    : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                if unit == 0x0D || (unit == 0x0A && !previousWasCarriageReturn) { count += 1 }
                previousWasCarriageReturn = unit == 0x0D
                index += 2
            }
        default:
            var previousWasCarriageReturn = false
            for byte in bytes[0..<end] {
                if byte == 0x0D || (byte == 0x0A && !previousWasCarriageReturn) { count += 1 }
                previousWasCarriageReturn = byte == 0x0D
            }
        }
        return count
    }
}

/// A block of bytes owned by one reader, grown on demand and freed with it.
final class BlockStorage {
    private(set) var pointer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `count` bytes; what the block held is not kept.
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = count
        pointer = .allocate(capacity: count)
    }
}
