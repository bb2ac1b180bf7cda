import CZlib
import Foundation
import TableModel

/// The byte end of `ZipWriter`: record bytes and deflated entry data, buffered and passed to the
/// sink, with the running offset, CRC and sizes of the open entry.
final class ZipWriterOutput {
    /// Bytes passed to the sink or pending: the offset of the next record.
    private(set) var offset: UInt64 = 0
    /// CRC-32 and sizes of the entry being deflated.
    private(set) var crc: UInt32 = 0
    private(set) var uncompressedSize: UInt64 = 0
    private(set) var compressedSize: UInt64 = 0

    private let sink: ByteSink
    private let pending: UnsafeMutableRawBufferPointer
    private var pendingCount = 0
    private let stream: UnsafeMutablePointer<z_stream>
    private var streamIsOpen = false

    init(sink: ByteSink, bufferSize: Int = 1 << 17) {
        self.sink = sink
        pending = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if streamIsOpen { deflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
        pending.deallocate()
    }

    // MARK: Entry data

    /// Starts a raw deflate stream (no zlib header) at `level`.
    func startDeflate(level: Int) throws {
        stream.pointee = z_stream()
        let status = deflateInit2_(stream, Int32(level), Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw FormatError("zlib could not start deflate (status \(status))") }
        streamIsOpen = true
        crc = 0
        uncompressedSize = 0
        compressedSize = 0
    }

    /// Adds entry data: updates the CRC and deflates it.
    func deflateData(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var input = base.assumingMemoryBound(to: UInt8.self)
        var remaining = bytes.count
        // zlib counts in 32-bit units: at most 1 GiB a call.
        while remaining > 0 {
            let chunk = min(remaining, 1 << 30)
            crc = UInt32(crc32(uLong(crc), input, uInt(chunk)))
            uncompressedSize += UInt64(chunk)
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input)
            stream.pointee.avail_in = uInt(chunk)
            try runDeflate(flush: Z_NO_FLUSH)
            input += chunk
            remaining -= chunk
        }
    }

    /// Ends the deflate stream; `compressedSize` is then final.
    func finishDeflate() throws {
        stream.pointee.next_in = nil
        stream.pointee.avail_in = 0
        try runDeflate(flush: Z_FINISH)
        deflateEnd(stream)
        streamIsOpen = false
    }

    /// Runs deflate over the pending input, moving its output into the buffer; with `Z_FINISH`,
    /// until the stream ends.
    private func runDeflate(flush mode: Int32) throws {
        let base = pending.baseAddress!.assumingMemoryBound(to: UInt8.self)
        while true {
            if pendingCount == pending.count { try flush() }
            let room = pending.count - pendingCount
            stream.pointee.next_out = base + pendingCount
            stream.pointee.avail_out = uInt(room)
            let status = deflate(stream, mode)
            let produced = room - Int(stream.pointee.avail_out)
            pendingCount += produced
            offset += UInt64(produced)
            compressedSize += UInt64(produced)
            if mode == Z_FINISH {
                if status == Z_STREAM_END { return }
            } else if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                return
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                throw FormatError("zlib deflate failed (status \(status))")
            }
        }
    }

    // MARK: Records

    func appendBytes(_ bytes: [UInt8]) throws {
        var index = 0
        while index < bytes.count {
            if pendingCount == pending.count { try flush() }
            let count = min(bytes.count - index, pending.count - pendingCount)
            bytes.withUnsafeBytes { source in
                (pending.baseAddress! + pendingCount).copyMemory(from: source.baseAddress! + index, byteCount: count)
            }
            pendingCount += count
            index += count
        }
        offset += UInt64(bytes.count)
    }

    /// Appends `value` little-endian.
    func appendInteger<Value: FixedWidthInteger>(_ value: Value) throws {
        let size = MemoryLayout<Value>.size
        if pending.count - pendingCount < size { try flush() }
        var littleEndian = value.littleEndian
        withUnsafeBytes(of: &littleEndian) { source in
            (pending.baseAddress! + pendingCount).copyMemory(from: source.baseAddress!, byteCount: size)
        }
        pendingCount += size
        offset += UInt64(size)
    }

    /// Passes the buffered bytes to the sink.
    func flush() throws {
        guard pendingCount > 0 else { return }
        try sink.write(UnsafeRawBufferPointer(rebasing: pending[0..<pendingCount]))
        pendingCount = 0
    }
}

/// Deflates entry data on a thread of its own, so that a writer producing XML and zlib
/// compressing it run on two cores. Chunks wait in a short queue (bounded memory); the first
/// error is kept and rethrown to the producer.
final class ZipWriterBackgroundDeflater {
    private let output: ZipWriterOutput
    private let condition = NSCondition()
    private var queue: [[UInt8]] = []
    private var queueStart = 0
    private var isWorking = false
    private var isStopping = false
    private var hasEnded = false
    private var failure: Error?
    /// Chunks allowed to wait; with the writer's 256 KiB chunks, about 1 MiB.
    private let queueLimit = 4

    init(output: ZipWriterOutput) {
        self.output = output
        let thread = Thread { [self] in run() }
        thread.name = "tabconv deflate"
        thread.start()
    }

    /// Queues a chunk of entry data; waits while the queue is full.
    func enqueue(_ chunk: [UInt8]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - queueStart >= queueLimit && failure == nil { condition.wait() }
        if let failure { throw failure }
        queue.append(chunk)
        condition.broadcast()
    }

    /// Waits until every queued chunk is deflated; rethrows a failure.
    func waitUntilIdle() throws {
        condition.lock()
        defer { condition.unlock() }
        while (queue.count > queueStart || isWorking) && failure == nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Ends the thread, dropping chunks not yet deflated (there are none after `waitUntilIdle`),
    /// and waits until it has ended, so that the sink is not called afterwards.
    func stop() {
        condition.lock()
        isStopping = true
        queue.removeAll()
        queueStart = 0
        condition.broadcast()
        while !hasEnded { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while queue.count == queueStart && !isStopping { condition.wait() }
            if queue.count == queueStart { break }
            let chunk = queue[queueStart]
            queue[queueStart] = []  // the queue must not keep deflated chunks alive
            queueStart += 1
            if queueStart == queue.count || queueStart >= 64 {
                queue.removeFirst(queueStart)
                queueStart = 0
            }
            isWorking = true
            let skip = failure != nil
            condition.broadcast()
            condition.unlock()
            var caught: Error?
            if !skip {
                do { try chunk.withUnsafeBytes { try output.deflateData($0) } } catch { caught = error }
            }
            condition.lock()
            if let caught, failure == nil { failure = caught }
            isWorking = false
            condition.broadcast()
        }
        hasEnded = true
        condition.broadcast()
        condition.unlock()
    }
}
