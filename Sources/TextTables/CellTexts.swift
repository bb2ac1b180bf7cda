#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Cell texts made once per distinct value.
//
// A document repeats most of its cells: labels (`产出指标`, `≥`, `%`), header rows after page
// breaks, empty cells, the same amounts in several tables. Making a `String` and cleaning it
// costs far more than finding the bytes again, so the tab splitter asks `CellTexts` for each
// cell's texts: the first time they are made from the bytes (cleaned only when the bytes hold
// a space at all), after that the same `String`s are handed out. Equal cells then share their
// storage, which also makes comparing them cheap (`==` sees the same storage first). Each cell
// also gets the `CellFacts` number of its cleaned text, found once per distinct value, so that
// what is asked of a cell later is an array read, not a hash of its bytes.
//
// `TextNumbering` is the table underneath: texts numbered by their UTF-8 bytes, with a byte hash
// and `memcmp` (Swift's own `String` hashing normalises Unicode, which costs far more).

/// Distinct texts, numbered from 0 in the order first seen, found by their UTF-8 bytes.
struct TextNumbering {
    /// The texts, by number.
    private(set) var texts: [String] = []
    private var hashes: [UInt64] = []
    /// Open addressing, linear probing: a text's number plus one; 0 is a free slot.
    private var slots = [Int32](repeating: 0, count: 64)

    /// The number of the text made of `bytes`; when new, the text is made by `make` and added.
    mutating func number(of bytes: UnsafeBufferPointer<UInt8>, make: (UnsafeBufferPointer<UInt8>) -> String)
        -> (number: Int, isNew: Bool) {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let number = Int(slots[slot]) - 1
            if hashes[number] == hash && Self.equal(texts[number], bytes) { return (number, false) }
            slot = (slot + 1) & mask
        }
        texts.append(make(bytes))
        hashes.append(hash)
        slots[slot] = Int32(texts.count)
        if texts.count * 2 > slots.count { grow() }
        return (texts.count - 1, true)
    }

    /// The number of `text`, adding it when new.
    @discardableResult
    mutating func number(of text: String) -> (number: Int, isNew: Bool) {
        if let found = text.utf8.withContiguousStorageIfAvailable({ number(of: $0) { _ in text } }) { return found }
        return Array(text.utf8).withUnsafeBufferPointer { number(of: $0) { _ in text } }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (number, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(number + 1)
        }
    }

    private static func equal(_ text: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text.utf8.count == bytes.count else { return false }
        return text.utf8.withContiguousStorageIfAvailable { stored in
            stored.count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, stored.count) == 0
        } ?? text.utf8.elementsEqual(bytes)
    }

    /// A 64-bit hash of the bytes, eight at a time (an FNV-style multiply, folded).
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let raw = UnsafeRawBufferPointer(bytes)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(raw.count)
        var index = 0
        while index + 8 <= raw.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            hash ^= hash >> 29
            index += 8
        }
        while index < raw.count {
            hash = (hash ^ UInt64(raw[index])) &* 0x0000_0100_0000_01B3
            index += 1
        }
        return hash ^ (hash >> 32)
    }
}

/// The texts of cells, by their UTF-8 bytes: as extracted and cleaned.
struct CellTexts {
    /// Longer cells (paragraphs of text) seldom repeat: they are made each time, not kept.
    static let longestKept = 256

    /// Where the cleaned texts are numbered.
    let facts: CellFacts
    private var numbering = TextNumbering()
    /// The cleaned text of each numbered text, and its number in `facts`.
    private var cleaned: [String] = []
    private var factNumbers: [Int] = []

    init(facts: CellFacts) { self.facts = facts }

    /// The texts of the cell made of `bytes`: as extracted, and trimmed and cleaned of wrap
    /// spaces (`TextCleanup.clean`); and the cleaned text's number in `facts`.
    mutating func texts(_ bytes: UnsafeBufferPointer<UInt8>) -> (raw: String, clean: String, fact: Int) {
        if bytes.isEmpty { return ("", "", CellFacts.emptyNumber) }
        guard bytes.count <= Self.longestKept else {
            let raw = String(decoding: bytes, as: UTF8.self)
            let clean = Self.clean(raw, bytes)
            return (raw, clean, facts.number(clean))
        }
        let (number, isNew) = numbering.number(of: bytes) { String(decoding: $0, as: UTF8.self) }
        if isNew {
            let clean = Self.clean(numbering.texts[number], bytes)
            cleaned.append(clean)
            factNumbers.append(facts.number(clean))
        }
        return (numbering.texts[number], cleaned[number], factNumbers[number])
    }

    /// The cleaned text: the same `String` when no space can change it.
    private static func clean(_ raw: String, _ bytes: UnsafeBufferPointer<UInt8>) -> String {
        TextCleanup.containsSpace(bytes) ? TextCleanup.clean(raw) : raw
    }
}
