#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Inflates an entry on a background thread, a few chunks ahead of its consumer, so that
/// inflating and parsing a large part run on two cores. Memory: `depth` × `chunkSize` bytes.
///
/// ```swift
/// let chunks = ZipReadAhead(try zip.openEntry(sheet))
/// while let chunk = try chunks.nextChunk() { try parser.parse(chunk) }
/// ```
public final class ZipReadAhead: @unchecked Sendable {
    private let pipeline: ReadAheadPipeline

    /// Starts inflating `reader` in the background.
    public init(_ reader: ZipEntryReader, chunkSize: Int = 1 << 18, depth: Int = 4) {
        pipeline = ReadAheadPipeline(reader, chunkSize: chunkSize, depth: depth)
    }

    /// Stops the background thread when the consumer goes away before the end.
    deinit { pipeline.cancel() }

    /// The next inflated chunk, valid until the next call; nil at the end of the entry.
    /// Rethrows what inflating threw (size limits, damage, CRC) in order.
    public func nextChunk() throws -> UnsafeRawBufferPointer? { try pipeline.nextChunk() }
}

/// The buffers and the thread behind `ZipReadAhead`; the thread keeps it alive while it runs.
final class ReadAheadPipeline: @unchecked Sendable {
    private let reader: ZipEntryReader
    private let buffers: [UnsafeMutableRawBufferPointer]
    private var lengths: [Int]
    /// The slot the consumer reads next (or holds), and how many slots are filled from it on.
    private var head = 0
    private var filled = 0
    private var consumerHoldsSlot = false
    private var ended = false
    private var failure: Error?
    private var cancelled = false
    private var mutex = pthread_mutex_t()
    private var changed = pthread_cond_t()
    private var thread: pthread_t?

    init(_ reader: ZipEntryReader, chunkSize: Int, depth: Int) {
        self.reader = reader
        let depth = max(depth, 2)
        buffers = (0..<depth).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 1024), alignment: 16) }
        lengths = Array(repeating: 0, count: depth)
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&changed, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        var created = pthread_t()
        let status = pthread_create(&created, nil, { context in
            let readAhead = Unmanaged<ReadAheadPipeline>.fromOpaque(context!).takeRetainedValue()
            readAhead.produce()
            return nil
        }, context)
        if status == 0 {
            thread = created
        } else {
            // No thread: fail the first read instead of hanging.
            Unmanaged<ReadAheadPipeline>.fromOpaque(context).release()
            failure = ZipReadError(entry: reader.entry.name, "cannot start the inflating thread (error \(status))")
            ended = true
        }
    }

    deinit {
        // The producer holds a reference while running, so by now it has returned.
        if let thread { pthread_detach(thread) }
        pthread_cond_destroy(&changed)
        pthread_mutex_destroy(&mutex)
        for buffer in buffers { buffer.deallocate() }
    }

    /// Stops the background thread early (when the consumer gives up); safe to call twice.
    func cancel() {
        pthread_mutex_lock(&mutex)
        cancelled = true
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&mutex)
    }

    func nextChunk() throws -> UnsafeRawBufferPointer? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if consumerHoldsSlot {
            consumerHoldsSlot = false
            head = (head + 1) % buffers.count
            filled -= 1
            pthread_cond_broadcast(&changed)
        }
        while filled == 0 && !ended { pthread_cond_wait(&changed, &mutex) }
        if filled == 0 {
            if let failure { throw failure }
            return nil
        }
        consumerHoldsSlot = true
        return UnsafeRawBufferPointer(rebasing: buffers[head][0..<lengths[head]])
    }

    private func produce() {
        while true {
            pthread_mutex_lock(&mutex)
            while filled == buffers.count && !cancelled { pthread_cond_wait(&changed, &mutex) }
            if cancelled {
                ended = true
                pthread_cond_broadcast(&changed)
                pthread_mutex_unlock(&mutex)
                return
            }
            let slot = (head + filled) % buffers.count
            pthread_mutex_unlock(&mutex)

            var count = 0
            var error: Error?
            do { count = try reader.read(into: buffers[slot]) } catch let thrown { error = thrown }

            pthread_mutex_lock(&mutex)
            if count > 0 {
                lengths[slot] = count
                filled += 1
            } else {
                failure = error
                ended = true
            }
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
            if count == 0 { return }
        }
    }
}
