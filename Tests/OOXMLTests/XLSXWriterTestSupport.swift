import CZlib
import Foundation
import TableModel
import XCTest
@testable import OOXML

/// Budget-like documents and a small ZIP reading helper for the XLSX writer's tests.
enum XLSXWriterFixtures {
    static func number(_ text: String) -> Cell {
        guard let value = ExactDecimal(text) else { return .text(text) }
        return .number(value, raw: value.text == text ? nil : text)
    }

    /// Table 01: two header rows, `收入` and `支出` each over two columns; a total row.
    static func incomeAndExpenditureTable() -> Table {
        let head = TableHead(
            id: "预算01表", title: "收支总表", unit: "万元", notes: ["(2026年度)"],
            header: [
                [HeaderCell(text: "收入", column: 0, columnSpan: 2), HeaderCell(text: "支出", column: 2, columnSpan: 2)],
                [HeaderCell(text: "项目", column: 0), HeaderCell(text: "预算数", column: 1),
                 HeaderCell(text: "项目", column: 2), HeaderCell(text: "预算数", column: 3)],
            ],
            columns: [Column(path: ["收入", "项目"]), Column(path: ["收入", "预算数"], type: .number),
                      Column(path: ["支出", "项目"]), Column(path: ["支出", "预算数"], type: .number)],
            line: 3)
        let rows = [
            Row(line: 9, cells: [.text("一、一般公共预算拨款收入"), number("9,885.752630"),
                                 .text("一、一般公共服务支出"), number("9,558.992695")]),
            Row(line: 10, cells: [.text("二、政府性基金预算拨款收入"), .empty, .text("二、外交支出"), .empty]),
            Row(line: 13, cells: [.text("五、事业收入"), .empty, .text("五、教育支出"), number("0.500000")]),
            Row(line: 16, cells: [.empty, .empty, .text("八、社会保障和就业支出"), number("145.686064")]),
            Row(kind: .total, line: 40, cells: [.text("收入总计"), number("9,885.752630"),
                                                 .text("支出总计"), number("9,885.752630")]),
        ]
        return Table(head: head, rows: rows)
    }

    /// Table 05: three header rows; `预算数` over six columns, `基本支出` over three; identifiers.
    static func expenditureTable() -> Table {
        let head = TableHead(
            id: "预算05表", title: "一般公共预算财政拨款支出表", unit: "万元",
            header: [
                [HeaderCell(text: "科目编码", column: 0, rowSpan: 3), HeaderCell(text: "科目名称", column: 1, rowSpan: 3),
                 HeaderCell(text: "预算数", column: 2, columnSpan: 6)],
                [HeaderCell(text: "合计", column: 2, rowSpan: 2), HeaderCell(text: "基本支出", column: 3, columnSpan: 3),
                 HeaderCell(text: "项目支出", column: 6, rowSpan: 2), HeaderCell(text: "备注", column: 7, rowSpan: 2)],
                [HeaderCell(text: "小计", column: 3), HeaderCell(text: "人员经费", column: 4),
                 HeaderCell(text: "公用经费", column: 5)],
            ],
            columns: [Column(path: ["科目编码"]), Column(path: ["科目名称"]),
                      Column(path: ["预算数", "合计"], type: .number),
                      Column(path: ["预算数", "基本支出", "小计"], type: .number),
                      Column(path: ["预算数", "基本支出", "人员经费"], type: .number),
                      Column(path: ["预算数", "基本支出", "公用经费"], type: .number),
                      Column(path: ["预算数", "项目支出"], type: .number), Column(path: ["预算数", "备注"])],
            line: 120)
        let rows = [
            Row(kind: .total, line: 127, cells: [.text("合计"), .empty, number("9,885.752630"), number("8,000.000000"),
                                                  number("6,000.000000"), number("2,000.000000"), number("1,885.752630"), .empty]),
            Row(line: 128, cells: [.text("2010350"), .text("事业运行"), number("1,234.567891"), number("1,234.567891"),
                                   number("1,000.000000"), number("234.567891"), number("0.000000"), .text("  含结转  ")]),
            Row(line: 129, cells: [.text("020101"), .text("行政运行 & <其他>"), number("-12.500000"), .empty, .empty,
                                   .empty, number("-12.500000"), .text("tab\there; cr\r\nlf")]),
            Row(kind: .subtotal, line: 130, cells: [.text("小计"), .empty, number("1,222.067891"), .empty, .empty,
                                                     .empty, .empty, .text("line one\nline two")]),
            Row(line: 131, cells: [.text("2080501"), .text("行政单位离退休"), number("3"), number("1,024"), .empty,
                                   .empty, .empty, .text("2026")]),
        ]
        return Table(head: head, rows: rows)
    }

    static func budgetDocument() -> Document {
        Document(source: SourceInfo(name: "budget.txt", format: "text"),
                 tables: [incomeAndExpenditureTable(), expenditureTable()])
    }

    /// The workbook `document` gives.
    static func workbook(_ document: Document, options: XLSXWriteOptions = .init()) throws -> (bytes: [UInt8], writer: XLSXWriter) {
        let sink = MemoryByteSink()
        let writer = XLSXWriter(output: sink, options: options)
        try DocumentSource(document).transfer(to: writer)
        return (sink.bytes, writer)
    }
}

/// Reads the entries of a ZIP archive the writer made (classic records, deflate), for assertions.
enum ZipTestReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func entries(_ archive: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        func integer(_ offset: Int, _ size: Int) -> Int {
            (0..<size).reduce(0) { $0 | Int(archive[offset + $1]) << (8 * $1) }
        }
        let end = archive.count - 22
        guard end >= 0, integer(end, 4) == 0x0605_4B50 else { throw Failure(description: "no end record") }
        let count = integer(end + 10, 2)
        var offset = integer(end + 16, 4)
        var result: [(String, [UInt8])] = []
        for _ in 0..<count {
            guard integer(offset, 4) == 0x0201_4B50 else { throw Failure(description: "bad central header") }
            let compressedSize = integer(offset + 20, 4)
            let uncompressedSize = integer(offset + 24, 4)
            let nameLength = integer(offset + 28, 2)
            let extraLength = integer(offset + 30, 2)
            let commentLength = integer(offset + 32, 2)
            let local = integer(offset + 42, 4)
            let name = String(decoding: archive[(offset + 46)..<(offset + 46 + nameLength)], as: UTF8.self)
            let dataStart = local + 30 + integer(local + 26, 2) + integer(local + 28, 2)
            let data = Array(archive[dataStart..<(dataStart + compressedSize)])
            result.append((name, try inflate(data, size: uncompressedSize)))
            offset += 46 + nameLength + extraLength + commentLength
        }
        return result
    }

    static func inflate(_ data: [UInt8], size: Int) throws -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(description: "inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(size, 1))
        var input = data
        let status = input.withUnsafeMutableBytes { inputBytes in
            output.withUnsafeMutableBytes { outputBytes -> Int32 in
                stream.next_in = inputBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_in = uInt(inputBytes.count)
                stream.next_out = outputBytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = uInt(outputBytes.count)
                return CZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Failure(description: "inflate status \(status)") }
        return Array(output.prefix(size))
    }

    static func text(of name: String, in archive: [UInt8]) throws -> String {
        guard let entry = try entries(archive).first(where: { $0.name == name }) else {
            throw Failure(description: "no entry \(name)")
        }
        return String(decoding: entry.bytes, as: UTF8.self)
    }
}
