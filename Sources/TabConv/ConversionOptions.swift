import TableModel

/// Everything a conversion can be told, format by format. The command line fills it; a library
/// user sets what differs from the defaults.
public struct ConversionOptions: Sendable {
    // Choosing formats and tables.
    /// The input format; `nil` reads it from the extension or the content.
    public var from: Format?
    /// The output format; `nil` reads it from the output's extension.
    public var to: Format?
    /// Tables to convert, by id (`预算05表`), caption (`预算05表 一般公共预算支出表`) or 1-based
    /// position; empty means all.
    public var tables: [String] = []

    // Text reader.
    /// Realign rows whose cells were shifted by the extraction (`--no-repair` turns it off).
    public var repair = true
    /// Keep cell text exactly as extracted (`--raw-text`).
    public var rawText = false
    /// Split `2010350-事业运行` into code and name columns (`--split-codes`).
    public var splitCodes = false
    /// Convert amounts to this unit (`--unit 元`).
    public var unit: String?
    /// Repeat block values on every row of their block (`--fill-down`).
    public var fillDown = false
    /// Keep `(4.7)` as text rather than a negative number (`--parens text`).
    public var parenthesesAsText = false
    /// Column starts (character positions) for space-aligned text and PDFs, given by hand
    /// (`--columns 12,30,44`); applied to the tables of `tables`, or to all.
    public var columnStarts: [Int]?

    // Spreadsheet reader.
    /// The sheet to read, by name or 1-based position (`--sheet`).
    public var sheet: String?
    /// The number of header rows, overriding detection (`--header-rows`).
    public var headerRows: Int?

    // CSV.
    /// The CSV field delimiter, for reading and writing (`--delimiter`); `nil` sniffs on reading.
    public var delimiter: UInt8?
    /// Start CSV output with a UTF-8 byte order mark, for Excel (`--bom`).
    public var byteOrderMark = false
    /// Write CSV in GB18030, for Excel on Chinese Windows (`--encoding gb18030`).
    public var csvEncoding: TextEncoding = .utf8
    /// Write numbers as the input printed them (`9,885.752630`) (`--keep-number-format`).
    public var keepNumberFormat = false

    // JSON.
    /// Write numbers as JSON strings (`--json-numbers string`).
    public var jsonNumbersAsStrings = false

    // XLSX.
    /// Write every number as a number cell, even those a double cannot hold to their printed
    /// digits (`--xlsx-numbers always`).
    public var xlsxNumbersAlways = false

    /// No progress on the terminal (`--quiet`).
    public var quiet = false

    public init() {}
}
