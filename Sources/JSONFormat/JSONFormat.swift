// JSONFormat: tabconv's JSON (the reference serialisation of the model), JSON Lines (tidy facts
// for warehouses) and a reader of tabconv's own JSON, so that `json → anything` works.
//
// Approach: the writers stream. `JSONWriter` writes a table's head when the table begins, each
// row as it comes (one row per line) and the repairs when it ends, so a million-row table never
// sits in memory; bytes are made in an own buffer (no `String` per cell, no per-append checks) and
// handed to a `ByteWriter` in blocks, numbers are their canonical digits (the exact literal,
// `9885.752630`), text is escaped on bytes, eight at a time. The reader is an own byte-level JSON
// scanner, not `JSONSerialization` (which would send every amount through `Double`), directed by
// the shape it expects, with the line and column of any bad byte in its errors.

import TableModel

/// Options of the JSON and JSON Lines writers.
public struct JSONWriteOptions: Hashable, Sendable {
    /// Writes numbers as JSON strings (`"9885.752630"`) instead of number literals, for consumers
    /// whose JSON parser turns every number into a `Double` (`--json-numbers string`).
    public var numbersAsStrings: Bool

    public init(numbersAsStrings: Bool = false) {
        self.numbersAsStrings = numbersAsStrings
    }
}
