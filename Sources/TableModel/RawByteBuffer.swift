/// A growable byte buffer on raw memory for the writers' hot paths (JSON text, sheet XML):
/// appends check capacity and nothing else — no copy-on-write uniqueness or exclusivity checks,
/// which cost more than the copying itself over millions of cells. The owner allocates it once
/// and calls `deallocate()` when done; copies share the storage, so a writer works on a local
/// copy while it writes a row and stores it back. Format modules add their escaping appends in
/// extensions, writing through `reserve` and `advance`.
public struct RawByteBuffer {
    @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline var written = 0
    @usableFromInline var capacity: Int

    public init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(capacity: self.capacity)
    }

    /// The start of the storage; the first `count` bytes are written.
    @inlinable public var base: UnsafeMutablePointer<UInt8> { storage }
    /// The number of bytes written.
    @inlinable public var count: Int { written }

    /// Frees the storage (shared by every copy).
    public func deallocate() { storage.deallocate() }

    /// The bytes written so far.
    public var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// The bytes written so far, copied.
    public var array: [UInt8] { Array(bytes) }

    /// Forgets the bytes written, keeping the storage.
    public mutating func removeAll() { written = 0 }

    /// Makes room for `extra` more bytes after the written ones.
    @inlinable @inline(__always)
    public mutating func reserve(_ extra: Int) {
        if written + extra > capacity { grow(toHold: written + extra) }
    }

    /// Counts `byteCount` bytes stored directly at `base + count` (after `reserve`) as written.
    @inlinable @inline(__always)
    public mutating func advance(by byteCount: Int) { written += byteCount }

    @usableFromInline
    mutating func grow(toHold needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: storage, count: written)
        storage.deallocate()
        storage = newBase
        capacity = newCapacity
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[written] = byte
        written += 1
    }

    @inlinable @inline(__always)
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        if bytes.count <= 16 {  // short runs: a loop beats the call to memmove
            for offset in 0..<bytes.count { storage[written + offset] = source[offset] }
        } else {
            (storage + written).update(from: source, count: bytes.count)
        }
        written += bytes.count
    }

    /// Appends ASCII punctuation, a key or markup as written in the source.
    @inlinable @inline(__always)
    public mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// Appends the UTF-8 of `string` as it is.
    public mutating func append(string: String) {
        var copy = string
        copy.withUTF8 { append($0) }
    }

    /// Appends `value` in decimal digits, with a `-` when negative.
    public mutating func append(decimal value: Int) {
        reserve(20)
        var magnitude = value.magnitude
        if value < 0 {
            storage[written] = 0x2D
            written += 1
        }
        var digitCount = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digitCount += 1
        }
        var position = written + digitCount - 1
        repeat {
            storage[position] = 0x30 + UInt8(magnitude % 10)
            magnitude /= 10
            position -= 1
        } while magnitude > 0
        written += digitCount
    }

    /// Inserts `bytes` before the byte at `position` (a rare edit of what is being written).
    public mutating func insert(_ bytes: [UInt8], at position: Int) {
        reserve(bytes.count)
        (storage + position + bytes.count).update(from: storage + position, count: written - position)
        bytes.withUnsafeBufferPointer { (storage + position).update(from: $0.baseAddress!, count: bytes.count) }
        written += bytes.count
    }
}
