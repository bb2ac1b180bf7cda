import XMLStream

extension XLSXWriter {
    /// A growable byte buffer on raw memory for the sheet XML: appends check capacity and
    /// nothing else (no copy-on-write uniqueness or exclusivity checks, which cost more than the
    /// copying on a hot path of 8 million cells). Owned by one `SheetEncoder`, which frees it.
    struct SheetBytes {
        private(set) var base: UnsafeMutablePointer<UInt8>
        private(set) var count = 0
        private var capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        }

        func deallocate() { base.deallocate() }

        /// The bytes written so far.
        var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

        mutating func removeAll() { count = 0 }

        @inline(__always)
        mutating func reserve(_ extra: Int) {
            if count + extra > capacity { grow(toHold: count + extra) }
        }

        private mutating func grow(toHold needed: Int) {
            let newCapacity = max(needed, capacity * 2)
            let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newBase.update(from: base, count: count)
            base.deallocate()
            base = newBase
            capacity = newCapacity
        }

        @inline(__always)
        mutating func append(_ byte: UInt8) {
            reserve(1)
            base[count] = byte
            count += 1
        }

        @inline(__always)
        mutating func append(_ literal: StaticString) {
            append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
        }

        @inline(__always)
        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress else { return }
            reserve(bytes.count)
            (base + count).update(from: source, count: bytes.count)
            count += bytes.count
        }

        /// Inserts `bytes` before the byte at `position` (a rare edit of the row being written).
        mutating func insert(_ bytes: [UInt8], at position: Int) {
            reserve(bytes.count)
            (base + position + bytes.count).update(from: base + position, count: count - position)
            bytes.withUnsafeBufferPointer { (base + position).update(from: $0.baseAddress!, count: bytes.count) }
            count += bytes.count
        }

        mutating func append(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { append($0) }
        }

        /// Appends the UTF-8 of `string` as is (for markup the writer composes).
        mutating func append(string: String) {
            var copy = string
            copy.withUTF8 { append($0) }
        }

        /// Appends the decimal digits of a non-negative `number`.
        mutating func append(decimal number: Int) {
            reserve(20)
            var digits = number
            var length = 0
            repeat {
                length += 1
                digits /= 10
            } while digits > 0
            digits = number
            for position in stride(from: count + length - 1, through: count, by: -1) {
                base[position] = UInt8(0x30 + digits % 10)
                digits /= 10
            }
            count += length
        }

        /// Appends `text` escaped as OOXML cell text (`XMLEscaping.appendOOXMLText`).
        mutating func append(ooxmlText text: String) {
            var copy = text
            copy.withUTF8 { bytes in
                reserve(bytes.count * XMLEscaping.maximumExpansion)
                count += XMLEscaping.writeOOXMLText(bytes, to: base + count)
            }
        }
    }
}
