import TableModel

/// The fields of one record, unescaped, laid end to end in one byte buffer that is reused from
/// record to record (no allocation per field once the buffer has grown).
struct CSVRecord {
    /// Owns the two buffers; the record keeps their addresses for direct access.
    private final class Storage {
        var bytes: UnsafeMutablePointer<UInt8>
        var fieldEnds: UnsafeMutablePointer<Int>

        init(byteCapacity: Int, fieldCapacity: Int) {
            bytes = .allocate(capacity: byteCapacity)
            fieldEnds = .allocate(capacity: fieldCapacity)
        }

        deinit {
            bytes.deallocate()
            fieldEnds.deallocate()
        }
    }

    private let storage: Storage
    private var bytes: UnsafeMutablePointer<UInt8>
    private var byteCapacity: Int
    private var fieldEnds: UnsafeMutablePointer<Int>
    private var fieldCapacity: Int
    /// The bytes of all fields so far, quotes removed and doubled quotes undoubled.
    private(set) var byteCount = 0
    private(set) var fieldCount = 0
    /// The 1-based line the record starts on.
    var line = 0

    init() {
        byteCapacity = 1024
        fieldCapacity = 64
        storage = Storage(byteCapacity: byteCapacity, fieldCapacity: fieldCapacity)
        bytes = storage.bytes
        fieldEnds = storage.fieldEnds
    }

    mutating func removeAll() {
        byteCount = 0
        fieldCount = 0
    }

    /// Appends bytes to the current field.
    @inline(__always)
    mutating func append(_ source: UnsafePointer<UInt8>, count: Int) {
        if byteCount + count > byteCapacity { growBytes(to: byteCount + count) }
        (bytes + byteCount).update(from: source, count: count)
        byteCount += count
    }

    /// Ends the current field.
    @inline(__always)
    mutating func endField() {
        if fieldCount == fieldCapacity { growFields() }
        fieldEnds[fieldCount] = byteCount
        fieldCount += 1
    }

    /// Bytes of the field not yet ended.
    var currentFieldLength: Int { byteCount - (fieldCount == 0 ? 0 : fieldEnds[fieldCount - 1]) }

    /// Where field `index` starts among the record's bytes.
    func fieldStart(_ index: Int) -> Int { index == 0 ? 0 : fieldEnds[index - 1] }

    /// The bytes of field `index`, valid until the record changes.
    func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = fieldStart(index)
        return UnsafeBufferPointer(start: bytes + start, count: fieldEnds[index] - start)
    }

    /// The number of line breaks (LF, CR, CRLF counted once) in the record's bytes before
    /// `offset`: a field's embedded newlines, to name the exact line of a byte in a long record.
    func lineBreaks(before offset: Int) -> Int {
        TextDecoding.line(ofOffset: offset, in: UnsafeBufferPointer(start: bytes, count: byteCount)) - 1
    }

    private mutating func growBytes(to minimum: Int) {
        let capacity = max(minimum, byteCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.update(from: bytes, count: byteCount)
        bytes.deallocate()
        storage.bytes = grown
        bytes = grown
        byteCapacity = capacity
    }

    private mutating func growFields() {
        let capacity = fieldCapacity * 2
        let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
        grown.update(from: fieldEnds, count: fieldCount)
        fieldEnds.deallocate()
        storage.fieldEnds = grown
        fieldEnds = grown
        fieldCapacity = capacity
    }
}

/// The byte-level core: an RFC 4180 state machine that splits UTF-8 (or any ASCII-compatible)
/// bytes into fields and records, fed block by block. It knows nothing of files, encodings or
/// cells, allocates nothing per byte (runs of ordinary bytes are copied at once), and keeps its
/// state between blocks, so a quote, a CRLF or a field may be cut anywhere.
///
/// Rules: a field starting with `"` is quoted and may hold delimiters, `""` (a quote) and line
/// breaks; LF, CR and CRLF end a record outside quotes; lines with no byte at all are skipped
/// (they hold no field). Lenient where RFC 4180 is silent: a quote inside an unquoted field is
/// kept, and text after a closing quote is appended to the field (`"ab"c` is `abc`).
struct CSVScanner {
    private enum State {
        case recordStart, fieldStart, unquoted, quoted, quoteInQuoted
    }

    private static let quote: UInt8 = 0x22
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    let delimiter: UInt8
    let limits: CSVLimits
    private var state = State.recordStart
    /// The 1-based line of the next byte.
    private(set) var line = 1
    /// The last byte consumed was a CR, so an LF next completes the same line break.
    private var afterCarriageReturn = false
    /// Where the open quoted field started, for the error when it never closes.
    private var quoteLine = 0

    init(delimiter: UInt8, limits: CSVLimits) {
        self.delimiter = delimiter
        self.limits = limits
    }

    /// Scans `input` from `position`, adding to `record`. Returns true when a record has ended
    /// (`position` is then just after its terminator); false when the input is used up and the
    /// record, if one started, continues in the next block. A new record clears `record` first.
    mutating func scan(_ input: UnsafeBufferPointer<UInt8>, position: inout Int, into record: inout CSVRecord) throws -> Bool {
        guard let base = input.baseAddress else { return false }
        let end = input.count
        var index = position
        defer { position = index }
        let delimiter = self.delimiter
        while index < end {
            switch state {
            case .recordStart:
                let byte = base[index]
                if byte == Self.lineFeed {
                    index += 1
                    if afterCarriageReturn { afterCarriageReturn = false } else { line += 1 }
                    continue
                }
                if byte == Self.carriageReturn {
                    index += 1
                    line += 1
                    afterCarriageReturn = true
                    continue
                }
                afterCarriageReturn = false
                record.removeAll()
                record.line = line
                state = .fieldStart

            case .fieldStart:
                let byte = base[index]
                if byte == Self.quote {
                    index += 1
                    quoteLine = line
                    state = .quoted
                } else if byte == delimiter {
                    index += 1
                    try endField(&record)
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    index += 1
                    try endField(&record)
                    endRecord(terminator: byte)
                    return true
                } else {
                    state = .unquoted
                }

            case .unquoted:
                let start = index
                index = ByteSearch.firstIndex(in: base, from: index, to: end, of: delimiter, Self.lineFeed, Self.carriageReturn)
                if index > start { try append(base + start, count: index - start, to: &record) }
                guard index < end else { return false }
                let byte = base[index]
                index += 1
                try endField(&record)
                if byte == delimiter {
                    state = .fieldStart
                } else {
                    endRecord(terminator: byte)
                    return true
                }

            case .quoted:
                let start = index
                index = ByteSearch.firstIndex(in: base, from: index, to: end, of: Self.quote, Self.lineFeed, Self.carriageReturn)
                if index > start {
                    afterCarriageReturn = false
                    try append(base + start, count: index - start, to: &record)
                }
                guard index < end else { return false }
                let byte = base[index]
                index += 1
                if byte == Self.quote {
                    afterCarriageReturn = false
                    state = .quoteInQuoted
                } else {
                    // A line break inside the field: kept, and counted.
                    if byte == Self.carriageReturn {
                        line += 1
                        afterCarriageReturn = true
                    } else {
                        if !afterCarriageReturn { line += 1 }
                        afterCarriageReturn = false
                    }
                    var copy = byte
                    try append(&copy, count: 1, to: &record)
                }

            case .quoteInQuoted:
                var byte = base[index]
                index += 1
                if byte == Self.quote {
                    try append(&byte, count: 1, to: &record)
                    state = .quoted
                } else if byte == delimiter {
                    try endField(&record)
                    state = .fieldStart
                } else if byte == Self.lineFeed || byte == Self.carriageReturn {
                    try endField(&record)
                    endRecord(terminator: byte)
                    return true
                } else {
                    try append(&byte, count: 1, to: &record)
                    state = .unquoted
                }
            }
        }
        return false
    }

    /// Ends the input: completes a record cut by the end (returning true), or throws when a
    /// quoted field is still open.
    mutating func finish(into record: inout CSVRecord) throws -> Bool {
        defer { state = .recordStart }
        switch state {
        case .recordStart:
            return false
        case .quoted:
            throw FormatError(line: quoteLine, "unterminated quote: the quoted field opened here never closes")
        case .fieldStart, .unquoted, .quoteInQuoted:
            try endField(&record)
            return true
        }
    }

    private mutating func endRecord(terminator: UInt8) {
        line += 1
        afterCarriageReturn = terminator == Self.carriageReturn
        state = .recordStart
    }

    @inline(__always)
    private func endField(_ record: inout CSVRecord) throws {
        guard record.fieldCount < limits.maximumFieldsPerRecord else {
            throw FormatError(line: record.line, "the record has more than \(limits.maximumFieldsPerRecord) fields (the limit)")
        }
        record.endField()
    }

    @inline(__always)
    private func append(_ bytes: UnsafePointer<UInt8>, count: Int, to record: inout CSVRecord) throws {
        record.append(bytes, count: count)
        if record.currentFieldLength > limits.maximumFieldBytes {
            throw limitError("a field longer than \(CSVLimits.describe(limits.maximumFieldBytes))", record: record)
        }
        if record.byteCount > limits.maximumRecordBytes {
            throw limitError("a record longer than \(CSVLimits.describe(limits.maximumRecordBytes))", record: record)
        }
    }

    /// A size limit passed; inside quotes most likely because a closing quote is missing, so the
    /// error then names the line where the quote opened.
    private func limitError(_ what: String, record: CSVRecord) -> FormatError {
        if state == .quoted {
            return FormatError(line: quoteLine, "\(what) (the limit) in a quoted field opened here: is its closing quote missing?")
        }
        return FormatError(line: record.line, "\(what) (the limit)")
    }
}

/// Picks the delimiter of a CSV from its first block: for each candidate (`,` tab `;` `|`) the
/// scanner splits the block's records (quotes respected); the candidate that gives the same field
/// count, above one, on the largest share of records wins, then the one with more fields, then
/// the earlier candidate. Comma when no candidate splits the lines.
enum DelimiterSniffer {
    static let candidates: [UInt8] = [0x2C, 0x09, 0x3B, 0x7C]
    /// Records looked at per candidate.
    static let sampleRecords = 200

    static func sniff(_ block: UnsafeBufferPointer<UInt8>, isComplete: Bool, limits: CSVLimits) -> UInt8 {
        // The best so far: `matching` of `sampled` records have `fields` fields.
        var best: (delimiter: UInt8, matching: Int, sampled: Int, fields: Int)?
        for candidate in candidates {
            var counts: [Int] = []
            var scanner = CSVScanner(delimiter: candidate, limits: limits)
            var record = CSVRecord()
            var position = 0
            do {
                while counts.count < sampleRecords, try scanner.scan(block, position: &position, into: &record) {
                    counts.append(record.fieldCount)
                }
                if isComplete, counts.count < sampleRecords, try scanner.finish(into: &record) {
                    counts.append(record.fieldCount)
                }
            } catch {
                // A limit or an open quote: judge the candidate on the records it gave.
            }
            guard !counts.isEmpty else { continue }
            var frequency: [Int: Int] = [:]
            for count in counts { frequency[count, default: 0] += 1 }
            guard let (fields, occurrences) = frequency.max(by: { ($0.value, $0.key) < ($1.value, $1.key) }),
                  fields > 1 else { continue }
            if let current = best {
                // Compare the shares matching/sampled exactly, by cross-multiplying.
                let currentShare = current.matching * counts.count
                let share = occurrences * current.sampled
                if currentShare > share || (currentShare == share && current.fields >= fields) { continue }
            }
            best = (candidate, occurrences, counts.count, fields)
        }
        return best?.delimiter ?? candidates[0]
    }
}

/// Finding bytes eight at a time, for the scanner's and the writer's inner loops: a byte of
/// `word ^ repeated(a)` is zero where `word` holds `a`, and `(x - 0x01…01) & ~x & 0x80…80`
/// marks the lowest zero byte of `x` exactly.
enum ByteSearch {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte of `word` that equals the byte `repeated` repeats (exact for
    /// the lowest such byte).
    @inline(__always)
    private static func matches(_ word: UInt64, _ repeated: UInt64) -> UInt64 {
        let difference = word ^ repeated
        return (difference &- ones) & ~difference & highBits
    }

    /// The index of the first byte in `start..<end` equal to `a`, `b` or `c`, or `end`.
    @inline(__always)
    static func firstIndex(in base: UnsafePointer<UInt8>, from start: Int, to end: Int,
                           of a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        let repeatedA = UInt64(a) &* ones
        let repeatedB = UInt64(b) &* ones
        let repeatedC = UInt64(c) &* ones
        var index = start
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let found = matches(word, repeatedA) | matches(word, repeatedB) | matches(word, repeatedC)
            if found != 0 { return index + found.trailingZeroBitCount >> 3 }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == a || byte == b || byte == c { return index }
            index += 1
        }
        return end
    }

    /// True when `bytes` holds `a`, `b`, `c` or `d`.
    @inline(__always)
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let repeatedA = UInt64(a) &* ones
        let repeatedB = UInt64(b) &* ones
        let repeatedC = UInt64(c) &* ones
        let repeatedD = UInt64(d) &* ones
        var index = 0
        let end = bytes.count
        let raw = UnsafeRawPointer(base)
        while index + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if matches(word, repeatedA) | matches(word, repeatedB) | matches(word, repeatedC) | matches(word, repeatedD) != 0 {
                return true
            }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == a || byte == b || byte == c || byte == d { return true }
            index += 1
        }
        return false
    }
}
