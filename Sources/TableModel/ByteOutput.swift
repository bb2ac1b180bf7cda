/// Where a writer's bytes go: a file, a pipe, a ZIP entry, memory. Not I/O itself; the
/// facade and the ZIP layer provide the concrete sinks.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// A sink that keeps everything in memory (tests, small parts of a workbook).
public final class MemoryByteSink: ByteSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes.append(contentsOf: bytes) }

    /// The bytes as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Buffers small appends and passes them to a sink in large blocks: the one hot path every
/// text writer shares. Call `flush()` at the end.
public final class ByteWriter {
    public let sink: ByteSink
    private var buffer: [UInt8] = []
    private let blockSize: Int

    public init(_ sink: ByteSink, blockSize: Int = 1 << 16) {
        self.sink = sink
        self.blockSize = blockSize
        buffer.reserveCapacity(blockSize + 1024)
    }

    @inline(__always)
    public func append(_ byte: UInt8) throws {
        buffer.append(byte)
        if buffer.count >= blockSize { try flush() }
    }

    public func append(_ string: String) throws {
        var copy = string
        copy.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= blockSize { try flush() }
    }

    /// Appends bytes held in memory: the fast path (not generic, so no dispatch per call).
    public func append(contentsOf bytes: UnsafeBufferPointer<UInt8>) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { try flush() }
    }

    public func append<Bytes: Sequence>(contentsOf bytes: Bytes) throws where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        if buffer.count >= blockSize { try flush() }
    }

    /// Passes everything buffered to the sink.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try sink.write($0) }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Where a streaming reader's bytes come from: a file, a pipe, memory.
public protocol ByteSource: AnyObject {
    /// Fills the start of `buffer` and returns how many bytes it wrote; 0 at the end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A byte source over bytes held in memory (tests, small inputs).
public final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}
