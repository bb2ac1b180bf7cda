// MarkdownFormat: tables as GitHub Flavored Markdown, for reading in a review or a README.
//
// Approach: a streaming `TableSink`. Each table is a section: a `##` heading with the caption,
// the unit and notes as paragraphs, then a GFM table whose header is the flattened column names
// (the header tree's spans cannot be drawn in GFM) and whose number columns are right-aligned.
// Cell text is escaped so that it renders as itself: `|` as `\|`, line breaks as `<br>`, and
// the punctuation that would start inline markup behind a backslash.

import TableModel

/// Writes each table as a GFM section:
///
/// ```markdown
/// ## 预算01表 收支总表
///
/// 金额单位：万元
///
/// | 收入/项目 | 收入/预算数 | 支出/项目 | 支出/预算数 |
/// | --- | ---: | --- | ---: |
/// | 一、一般公共预算拨款收入 | 9885.752630 | 一、一般公共服务支出 | 9558.992695 |
/// ```
///
/// - The heading is the caption (`id title`), or `Table N` when the table has neither.
/// - The unit line is `金额单位：万元` for a unit in CJK script and `Unit: USD` otherwise; each
///   note is a paragraph of its own.
/// - Columns whose type is `number` are right-aligned (`---:`); numbers are their canonical exact
///   digits (`9885.752630`). Empty cells and empty column names are empty table cells.
/// - A row with more cells than the table has columns widens the table from the first row on;
///   cells beyond the header of a later row are still written (GFM renderers ignore them, but
///   the text keeps them).
/// - Diagnostics and repairs are not part of the Markdown (the JSON and the HTML review page
///   carry them).
public final class MarkdownWriter: TableSink {
    private let writer: ByteWriter
    private var tableCount = 0
    private var head = TableHead(id: "")
    /// Whether the current table's header line has been written (it waits for the first row,
    /// whose width may exceed the columns').
    private var headerWritten = false
    /// The number of cells of the header line; shorter rows are padded to it.
    private var width = 0
    private var line: [UInt8] = []

    public init(output: ByteSink) {
        self.writer = ByteWriter(output)
    }

    public func begin(source: SourceInfo) throws {}

    public func beginTable(_ head: TableHead) throws {
        tableCount += 1
        self.head = head
        headerWritten = false
        line.removeAll(keepingCapacity: true)
        if tableCount > 1 { line.append(0x0A) }
        MarkdownText.appendLiteral("## ", to: &line)
        let caption = head.caption.isEmpty ? "Table \(tableCount)" : head.caption
        MarkdownText.appendInline(caption, to: &line)
        line.append(0x0A)
        if let unit = head.unit, !unit.isEmpty {
            line.append(0x0A)
            MarkdownText.appendLiteral(unit.unicodeScalars.contains(where: MarkdownText.isCJK) ? "金额单位：" : "Unit: ", to: &line)
            MarkdownText.appendInline(unit, to: &line)
            line.append(0x0A)
        }
        for note in head.notes {
            line.append(0x0A)
            MarkdownText.appendParagraph(note, to: &line)
            line.append(0x0A)
        }
        try writer.append(contentsOf: line)
    }

    private func writeHeader(width: Int) throws {
        headerWritten = true
        self.width = width
        line.removeAll(keepingCapacity: true)
        line.append(0x0A)
        line.append(0x7C)  // |
        for index in 0..<width {
            line.append(0x20)
            if index < head.columns.count { MarkdownText.appendInline(head.columns[index].name, to: &line) }
            MarkdownText.appendLiteral(" |", to: &line)
        }
        MarkdownText.appendLiteral("\n|", to: &line)
        for index in 0..<width {
            let isNumber = index < head.columns.count && head.columns[index].type == .number
            MarkdownText.appendLiteral(isNumber ? " ---: |" : " --- |", to: &line)
        }
        line.append(0x0A)
        try writer.append(contentsOf: line)
    }

    public func write(_ row: Row) throws {
        if !headerWritten { try writeHeader(width: max(head.columns.count, row.cells.count)) }
        line.removeAll(keepingCapacity: true)
        line.append(0x7C)
        for index in 0..<max(width, row.cells.count) {
            line.append(0x20)
            if index < row.cells.count {
                switch row.cells[index] {
                case .empty: break
                case .text(let text): MarkdownText.appendInline(text, to: &line)
                case .number(let value, _): MarkdownText.appendInline(value.text, to: &line)
                }
            }
            MarkdownText.appendLiteral(" |", to: &line)
        }
        line.append(0x0A)
        try writer.append(contentsOf: line)
    }

    public func endTable(repairs: [Repair]) throws {
        if !headerWritten && !head.columns.isEmpty { try writeHeader(width: head.columns.count) }
    }

    public func end(diagnostics: [Diagnostic]) throws {
        try writer.flush()
    }
}

/// Markdown escaping on bytes.
enum MarkdownText {
    /// True for Han, kana and Hangul: a unit in such script gets the Chinese unit label.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FFFF:
            return true
        default:
            return false
        }
    }

    static func appendLiteral(_ literal: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends text escaped for inline Markdown: a backslash before `\` `` ` `` `*` `_` `[` `]`
    /// `<` `>` `#` `|` `~` and before an `&` that starts an entity (`&amp;`); line breaks (CRLF, LF, CR)
    /// become `<br>`.
    static func appendInline(_ text: String, to output: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 0x5C, 0x60, 0x2A, 0x5F, 0x5B, 0x5D, 0x3C, 0x3E, 0x23, 0x7C, 0x7E:
                    output.append(0x5C)
                    output.append(byte)
                case 0x26:  // &
                    if startsEntity(bytes, at: index) { output.append(0x5C) }
                    output.append(byte)
                case 0x0D:
                    appendLiteral("<br>", to: &output)
                    if index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                case 0x0A:
                    appendLiteral("<br>", to: &output)
                default:
                    output.append(byte)
                }
                index += 1
            }
        }
    }

    /// True when the `&` at `index` begins what a renderer would read as an entity or character
    /// reference (`&amp;`, `&#20013;`): `&`, then letters, digits or `#`, then `;`.
    private static func startsEntity(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var position = index + 1
        while position < bytes.count, position - index <= 32 {
            let byte = bytes[position]
            let isName = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte >= 0x30 && byte <= 0x39 || byte == 0x23
            if !isName { return byte == 0x3B && position > index + 1 }
            position += 1
        }
        return false
    }

    /// Appends a paragraph: inline escaping, plus a backslash before a character that would
    /// start a block at the beginning (`-`, `+`, `=`, or `1.` / `1)` for lists).
    static func appendParagraph(_ text: String, to output: inout [UInt8]) {
        let start = output.count
        appendInline(text, to: &output)
        guard start < output.count else { return }
        let first = output[start]
        if first == 0x2D || first == 0x2B || first == 0x3D {
            output.insert(0x5C, at: start)
            return
        }
        var index = start
        while index < output.count, output[index] >= 0x30, output[index] <= 0x39 { index += 1 }
        if index > start, index < output.count, output[index] == 0x2E || output[index] == 0x29 {
            output.insert(0x5C, at: index)
        }
    }
}
