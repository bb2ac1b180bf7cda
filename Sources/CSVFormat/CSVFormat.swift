// CSVFormat: a streaming RFC 4180 reader and writer for CSV and TSV.
//
// Approach, after rust-csv's split: `CSVScanner` is the byte-level core, a state machine fed
// blocks of bytes that marks fields and records and allocates nothing per byte; `CSVReader` is
// the layer on top that owns the blocks, decodes the encoding (UTF-8 as is; UTF-16 and GB18030
// through `Transcoder`, block by block), sniffs the delimiter on the first block, reads the header,
// looks ahead over the first rows to type the columns and then streams typed `Row`s one at a
// time, made by a `RowProducer` on a second thread (`RowPump`, a few batches ahead) so that
// reading overlaps with writing. `CSVWriter` walks rows and writes bytes, quoting only where
// RFC 4180 needs it. Every size is bounded by `CSVLimits`, so memory stays bounded whatever the
// input.

import TableModel

/// Resource bounds of the CSV reader, each an error naming the line when exceeded.
public struct CSVLimits: Hashable, Sendable {
    /// The longest field, in bytes of UTF-8 (default 32 MiB).
    public var maximumFieldBytes: Int
    /// The longest record, in bytes of UTF-8 without quotes and delimiters (default 64 MiB).
    public var maximumRecordBytes: Int
    /// The most fields in one record (default 65,536).
    public var maximumFieldsPerRecord: Int

    /// Limits with the defaults: 32 MiB a field, 64 MiB a record, 65,536 fields.
    public init(maximumFieldBytes: Int = 32 << 20, maximumRecordBytes: Int = 64 << 20,
                maximumFieldsPerRecord: Int = 65_536) {
        self.maximumFieldBytes = maximumFieldBytes
        self.maximumRecordBytes = maximumRecordBytes
        self.maximumFieldsPerRecord = maximumFieldsPerRecord
    }

    /// `32 MiB`, `100 bytes`: a size as an error message prints it.
    static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

/// How `CSVReader` reads.
public struct CSVReadOptions: Hashable, Sendable {
    /// The field delimiter (`0x2C` comma, `0x09` tab, …); `nil` sniffs it from the first block
    /// among `,` tab `;` `|`.
    public var delimiter: UInt8?
    /// The first record names the columns (default). Without a header the columns are named
    /// `column1`, `column2`, … and the first record is data.
    public var hasHeader: Bool
    /// How fields become numbers or text.
    public var typing: CellTyping
    /// Field, record and field-count bounds.
    public var limits: CSVLimits
    /// Rows read ahead, before the first row is handed out, to type the columns and to find rows
    /// longer than the header (default 1,000; at least 1). The look-ahead also stops after
    /// `lookaheadBytes` bytes of fields, so that it stays small whatever the rows.
    public var lookaheadRows: Int
    /// Bytes of fields read ahead at most (default 8 MiB).
    public var lookaheadBytes: Int
    /// Scan and type the rows after the look-ahead on a second thread, a few batches (of at
    /// most 512 rows or 1 MiB) ahead of the caller, so that reading overlaps with writing
    /// (default true; ignored on a machine with one core). The `ByteSource` is then read from
    /// that thread.
    public var readsInBackground: Bool
    /// Bytes read from the source at a time; the first block decides the encoding and the
    /// delimiter. Tests make it small to cut records at every byte.
    var blockSize = 1 << 18

    /// Options with the defaults: sniffed delimiter, a header, standard typing, default limits,
    /// a look-ahead of 1,000 rows or 8 MiB, reading in the background.
    public init(delimiter: UInt8? = nil, hasHeader: Bool = true, typing: CellTyping = .standard,
                limits: CSVLimits = CSVLimits(), lookaheadRows: Int = 1_000, lookaheadBytes: Int = 8 << 20,
                readsInBackground: Bool = true) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.typing = typing
        self.limits = limits
        self.lookaheadRows = lookaheadRows
        self.lookaheadBytes = lookaheadBytes
        self.readsInBackground = readsInBackground
    }
}

/// How `CSVWriter` writes.
public struct CSVWriteOptions: Hashable, Sendable {
    /// What ends a record.
    public enum LineEnding: String, Hashable, Sendable {
        /// CR LF, as RFC 4180 says (the default).
        case crlf
        /// LF alone.
        case lf

        var bytes: [UInt8] { self == .crlf ? [0x0D, 0x0A] : [0x0A] }
    }

    /// The field delimiter: `,` (default), tab for TSV, `;`, `|`. Not a quote, CR or LF.
    public var delimiter: UInt8
    /// Start with a byte order mark (U+FEFF in the output encoding), so that Excel reads UTF-8.
    public var bom: Bool
    /// `.utf8` (default) or `.gb18030` (what Excel on Chinese Windows expects of a BOM-less CSV).
    public var encoding: TextEncoding
    /// What ends each record, the last one included (CRLF by default).
    public var lineEnding: LineEnding
    /// Write numbers as they were read (`9,885.752630`) when the cell kept that text, instead of
    /// the canonical exact text (`9885.752630`).
    public var keepNumberFormat: Bool

    /// Options with the defaults: comma, no BOM, UTF-8, CRLF, canonical numbers.
    public init(delimiter: UInt8 = 0x2C, bom: Bool = false, encoding: TextEncoding = .utf8,
                lineEnding: LineEnding = .crlf, keepNumberFormat: Bool = false) {
        self.delimiter = delimiter
        self.bom = bom
        self.encoding = encoding
        self.lineEnding = lineEnding
        self.keepNumberFormat = keepNumberFormat
    }
}
