#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TableModel
import XMLStream
import ZipArchive

/// Batches of recorded rows on their way from the parsing side to the side that makes cells:
/// at most `capacity` wait at a time (the parser waits while the consumer is behind), and
/// consumed batches come back for reuse, so memory stays a few batches whatever the sheet's size.
final class XLSXBatchQueue: @unchecked Sendable {
    private let capacity: Int
    private var waiting: [XLSXRawBatch] = []
    private var spare: [XLSXRawBatch] = []
    private var cancelled = false
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
    }

    deinit {
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&mutex)
    }

    /// An empty batch to fill: a consumed one when there is one.
    func emptyBatch() -> XLSXRawBatch {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return spare.popLast() ?? XLSXRawBatch()
    }

    /// Queues a filled batch, waiting while `capacity` batches wait; false when the consumer has
    /// gone (`cancel`).
    func put(_ batch: XLSXRawBatch) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while waiting.count >= capacity && !cancelled { pthread_cond_wait(&changed, &mutex) }
        guard !cancelled else { return false }
        waiting.append(batch)
        pthread_cond_broadcast(&changed)
        return true
    }

    /// The oldest filled batch; when none waits, nil, or with `wait` the next one put.
    func take(wait: Bool) -> XLSXRawBatch? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        while wait && waiting.isEmpty { pthread_cond_wait(&changed, &mutex) }
        guard !waiting.isEmpty else { return nil }
        pthread_cond_broadcast(&changed)
        return waiting.removeFirst()
    }

    /// Gives a consumed batch back for reuse.
    func recycle(_ batch: XLSXRawBatch) {
        batch.clear()
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if spare.count <= capacity { spare.append(batch) }
    }

    /// Tells the parsing side that no more batches will be taken.
    func cancel() {
        pthread_mutex_lock(&mutex)
        cancelled = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }
}

/// The rows of one worksheet, as `XLSXSheetStream` takes them. A large part is inflated and
/// parsed on threads of their own (the parser records raw cells, `XLSXSheetRecorder`), while the
/// caller's thread makes the cells (`XLSXCellBuilder`) and writes them on: libxml2 alone keeps
/// one core busy, so the work after it goes to the other. A small part is parsed on the
/// caller's thread, chunk by chunk, as rows are wanted. Made rows wait in a queue until taken.
final class XLSXSheetRows {
    struct BufferedRow {
        /// 1-based spreadsheet row number.
        var number: Int
        /// Cells from column A on.
        var cells: [Cell]
    }

    /// True once the whole part is parsed: `merges` is then complete.
    private(set) var finished = false
    private(set) var merges: [XLSXMergedRange] = []
    private(set) var dimension: XLSXMergedRange?
    /// Leftmost and rightmost columns that hold a value, over every row made so far.
    private(set) var firstUsedColumn = Int.max
    private(set) var lastUsedColumn = -1

    private var rows: [BufferedRow] = []
    private var rowsTaken = 0
    private var builder: XLSXCellBuilder
    private let queue: XLSXBatchQueue
    /// Parsing on this thread: the parser, its recorder and the inflated chunks.
    private let inline: (parser: XMLPushParser, recorder: XLSXSheetRecorder, chunks: () throws -> UnsafeRawBufferPointer?)?
    private var failure: FormatError?

    /// Batches in flight when parsing runs on its own thread (each up to 1,024 rows or 256 KB).
    private static let batchesAhead = 4

    init(zip: ZipReader, entry: ZipEntry, sheetName: String, options: XLSXReadOptions,
         sharedStrings: XLSXSharedStrings, displays: [XLSXNumberDisplay], uses1904: Bool) throws {
        builder = XLSXCellBuilder(sheetName: sheetName, part: entry.name, sharedStrings: sharedStrings,
                                  displays: displays, uses1904: uses1904)
        let reader: ZipEntryReader
        do { reader = try zip.openEntry(entry) } catch let error as ZipReadError {
            throw FormatError(place: error.entry ?? entry.name, error.message)
        }
        if options.readsInBackground && entry.uncompressedSize >= UInt64(max(options.backgroundMinimumSize, 0)) {
            queue = XLSXBatchQueue(capacity: XLSXSheetRows.batchesAhead)
            inline = nil
            let recorder = XLSXSheetRecorder(sheetName: sheetName, part: entry.name, queue: queue)
            let readAhead = ZipReadAhead(reader)
            let job = XLSXSheetParseJob(recorder: recorder, limits: options.xmlLimits) { try readAhead.nextChunk() }
            try job.start()
        } else {
            queue = XLSXBatchQueue(capacity: Int.max)
            let recorder = XLSXSheetRecorder(sheetName: sheetName, part: entry.name, queue: queue)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
            let owner = BufferOwner(buffer)
            inline = (XMLPushParser(delegate: recorder, limits: options.xmlLimits), recorder, {
                let count = try reader.read(into: owner.buffer)
                return count == 0 ? nil : UnsafeRawBufferPointer(rebasing: owner.buffer[0..<count])
            })
        }
    }

    /// Stops the parsing thread when the sheet is left before its end.
    deinit { queue.cancel() }

    /// Rows made and not yet taken.
    var queuedRowCount: Int { rows.count - rowsTaken }

    /// The queued rows, oldest first, without taking them.
    var queuedRows: ArraySlice<BufferedRow> { rows[rowsTaken...] }

    /// Takes the oldest queued row.
    func takeRow() -> BufferedRow? {
        guard rowsTaken < rows.count else {
            if !rows.isEmpty {
                rows.removeAll(keepingCapacity: true)
                rowsTaken = 0
            }
            return nil
        }
        rowsTaken += 1
        return rows[rowsTaken - 1]
    }

    /// Makes the rows of the next batch the parser recorded (on this thread: parses the next
    /// chunk first), or learns that the sheet has ended. Errors stay: every later call rethrows.
    func readMore() throws {
        if let failure { throw failure }
        guard !finished else { return }
        do {
            if let inline {
                do {
                    if let chunk = try inline.chunks() {
                        try inline.parser.parse(chunk)
                    } else {
                        try inline.parser.finish()
                        inline.recorder.finish()
                    }
                } catch {
                    throw inline.recorder.formatError(error)
                }
                while let batch = queue.take(wait: false) { try absorb(batch) }
            } else if let batch = queue.take(wait: true) {
                try absorb(batch)
            }
        } catch let error as FormatError {
            failure = error
            throw error
        }
    }

    private func absorb(_ batch: XLSXRawBatch) throws {
        if let error = batch.failure { throw error }
        dimension = batch.dimension
        for index in batch.rows.indices {
            guard let cells = try builder.cells(of: batch, row: index, firstUsedColumn: &firstUsedColumn,
                                                lastUsedColumn: &lastUsedColumn) else { continue }
            rows.append(BufferedRow(number: batch.rows[index].number, cells: cells))
        }
        if batch.isLast {
            finished = true
            merges = batch.merges
        }
        queue.recycle(batch)
    }
}

/// Parses one worksheet part on a thread of its own, recording its rows into batches until the
/// part ends, fails, or the consumer goes away.
private final class XLSXSheetParseJob: @unchecked Sendable {
    private let recorder: XLSXSheetRecorder
    private let parser: XMLPushParser
    private let chunks: () throws -> UnsafeRawBufferPointer?

    init(recorder: XLSXSheetRecorder, limits: XMLReadLimits, chunks: @escaping () throws -> UnsafeRawBufferPointer?) {
        self.recorder = recorder
        self.parser = XMLPushParser(delegate: recorder, limits: limits)
        self.chunks = chunks
    }

    /// Starts the thread, which keeps the job alive until it ends.
    func start() throws {
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let job = Unmanaged<XLSXSheetParseJob>.fromOpaque(context).takeRetainedValue()
            job.run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<XLSXSheetParseJob>.fromOpaque(context).release()
            throw FormatError(place: recorder.part, "cannot start the parsing thread (error \(status))")
        }
        pthread_detach(thread)
    }

    private func run() {
        do {
            try parser.parseDocument(reading: chunks)
            recorder.finish()
        } catch {
            recorder.fail(error)
        }
    }
}

/// Frees the synchronous reading buffer with the rows that use it.
private final class BufferOwner {
    let buffer: UnsafeMutableRawBufferPointer
    init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }
    deinit { buffer.deallocate() }
}
