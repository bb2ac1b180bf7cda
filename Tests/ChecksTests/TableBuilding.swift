import Foundation
import TableModel

/// Builds tables for the tests by hand, the way the text reader models them: tab-separated
/// lines, numbers as exact decimals, codes under 编码/Code columns as text, column types from the
/// cells, and rows whose label says 合计/总计/Total (`total`) or 小计/Subtotal (`subtotal`).
enum TableBuilding {
    /// The repository root: three levels up from this file (Tests/ChecksTests/TableBuilding.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The lines of `Samples/budget-2026.txt`, 1-based (index 0 is unused).
    static let sampleLines: [String] = {
        let url = repositoryRoot.appendingPathComponent("Samples/budget-2026.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return [""] + text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }()

    /// A table of the given column paths and rows; each row is `(line, tab-separated cells)`.
    static func table(_ id: String, paths: [[String]], rows: [(line: Int, text: String)]) -> Table {
        let typing = CellTyping.standard
        let names = paths.map { Column.name(for: $0) }
        let bodyRows = rows.map { entry -> Row in
            var fields = entry.text.split(separator: "\t", omittingEmptySubsequences: false)
                .map(cleaned)
            if fields.count < paths.count { fields += Array(repeating: "", count: paths.count - fields.count) }
            let cells = fields.prefix(paths.count).enumerated().map { index, field in
                typing.cell(field, identifier: CellTyping.isIdentifierColumn(names[index]))
            }
            return Row(kind: kind(of: cells), line: entry.line, cells: cells)
        }
        let columns = paths.enumerated().map { index, path -> Column in
            let values = bodyRows.map { index < $0.cells.count ? $0.cells[index] : .empty }.filter { !$0.isEmpty }
            let type: ColumnType = values.isEmpty ? .empty : (values.allSatisfy { $0.number != nil } ? .number : .text)
            return Column(path: path, type: type)
        }
        return Table(head: TableHead(id: id, columns: columns), rows: bodyRows)
    }

    /// A table modelled on the sample's lines `lines`, with the reader's column paths.
    static func sampleTable(_ id: String, paths: [[String]], lines: ClosedRange<Int>) -> Table {
        table(id, paths: paths, rows: lines.compactMap { line in
            let text = sampleLines.indices.contains(line) ? sampleLines[line] : ""
            return text.trimmingCharacters(in: .whitespaces).isEmpty ? nil : (line, text)
        })
    }

    /// A field as the reader cleans it: trimmed, and CJK text without the letter-spacing that
    /// extraction leaves (`合 计` → `合计`); English keeps its spaces.
    private static func cleaned(_ field: Substring) -> String {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard !trimmed.unicodeScalars.contains(where: { $0.isASCII && $0.properties.isAlphabetic }) else { return trimmed }
        return trimmed.replacingOccurrences(of: " ", with: "")
    }

    private static func kind(of cells: [Cell]) -> RowKind {
        for cell in cells {
            guard let text = cell.text else { continue }
            let squeezed = text.replacingOccurrences(of: " ", with: "")
            let lowered = squeezed.lowercased()
            if squeezed.hasSuffix("小计") || lowered.hasPrefix("subtotal") { return .subtotal }
            if squeezed.hasSuffix("合计") || squeezed.hasSuffix("总计") || lowered.hasPrefix("total")
                || lowered.hasPrefix("grandtotal") {
                return .total
            }
        }
        return .data
    }

    /// A copy of `table` with the number at `position` changed by `delta` (same scale).
    static func mutating(_ table: Table, at position: (row: Int, column: Int), by delta: Decimal) -> Table {
        var copy = table
        guard let value = copy.rows[position.row].cells[position.column].number else { return copy }
        copy.rows[position.row].cells[position.column] = .number(ExactDecimal(value.decimal + delta, scale: value.scale))
        return copy
    }

    static func document(_ tables: [Table]) -> Document {
        Document(source: SourceInfo(name: "budget-2026.txt", format: "text"), tables: tables)
    }
}

/// The sample's tables as the text reader models them (DESIGN.md, issue 3).
enum SampleTables {
    static let table01 = TableBuilding.sampleTable(
        "预算01表", paths: [["收入", "项目"], ["收入", "预算数"], ["支出", "项目"], ["支出", "预算数"]], lines: 9...37)

    static let table02 = TableBuilding.sampleTable("预算02表", paths: [["合计"]]
        + ["小计", "一般公共预算资金", "政府性基金预算资金", "国有资本经营预算资金", "财政专户管理资金", "事业收入",
           "事业单位经营收入", "上级补助收入", "附属单位上缴收入", "其他收入"].map { ["本年收入", $0] }
        + ["小计", "一般公共预算资金", "政府性基金预算资金", "国有资本经营预算资金", "财政专户管理资金", "单位资金"]
            .map { ["上年结转结余", $0] },
        lines: 45...45)

    static let table03 = TableBuilding.sampleTable(
        "预算03表", paths: [["支出功能分类科目"], ["政府支出经济分类科目"], ["部门支出经济分类科目"], ["合计"], ["基本支出"],
                          ["项目支出"], ["其中", "事业单位经营支出"], ["其中", "上缴上级支出"], ["其中", "对附属单位补助支出"]],
        lines: 53...84)

    static let table04 = TableBuilding.sampleTable(
        "预算04表", paths: [["收入", "项目"], ["收入", "预算数"], ["支出", "项目"], ["支出", "预算数"]], lines: 92...123)

    static let table05 = TableBuilding.sampleTable(
        "预算05表", paths: [["功能分类科目", "科目编码"], ["功能分类科目", "科目名称"], ["预算数", "合计"],
                          ["预算数", "基本支出", "小计"], ["预算数", "基本支出", "人员经费"], ["预算数", "基本支出", "公用经费"],
                          ["预算数", "项目支出", "项目支出总数"], ["预算数", "项目支出", "扣除基建项目后预算数"]],
        lines: 132...142)

    static let table06 = TableBuilding.sampleTable(
        "预算06表", paths: [["政府支出经济分类科目"], ["部门支出经济分类科目"], ["预算数", "合计"], ["预算数", "人员经费"],
                          ["预算数", "公用经费"]],
        lines: 150...173)

    static let table07 = TableBuilding.sampleTable(
        "预算07表", paths: [["功能分类科目", "科目编码"], ["功能分类科目", "科目名称"], ["预算数", "合计"], ["预算数", "基本支出"],
                          ["预算数", "项目支出"]],
        lines: 181...181)

    static let table09 = TableBuilding.sampleTable(
        "预算09表", paths: [["“三公”经费财政拨款预算总额"], ["因公出国（境）费用"], ["公务接待费"],
                          ["公务用车购置及运行维护费", "小计"], ["公务用车购置及运行维护费", "公务用车购置费"],
                          ["公务用车购置及运行维护费", "公务用车运行维护费"]],
        lines: 197...197)

    static let table10 = TableBuilding.sampleTable("预算10表", paths: [["采购类别"], ["金额"]], lines: 204...206)

    static let all = [table01, table02, table03, table04, table05, table06, table07, table09, table10]
}
