// TableModel: the one normalized table model every reader builds and every writer walks.
//
// Plain values, no I/O, no reference to any format. A `Document` holds `Table`s; a table's
// `TableHead` (id, title, unit, notes, header tree, columns) is known before its rows, so that
// big inputs can stream: a `TableSource` hands out heads and rows one at a time and a
// `TableSink` consumes them (see Streaming.swift). Numbers are `ExactDecimal`s, never `Double`.

/// One cell of a table.
public enum Cell: Hashable, Sendable {
    /// No value.
    case empty
    /// Text, exactly as it is to be written.
    case text(String)
    /// An exact number; `raw` is the text as read when it differs from the canonical text
    /// (`9,885.752630` for `9885.752630`, `(1.5)` for `-1.5`).
    case number(ExactDecimal, raw: String? = nil)

    /// True for `.empty`.
    public var isEmpty: Bool {
        if case .empty = self { return true }
        return false
    }

    /// The number, when the cell holds one.
    public var number: ExactDecimal? {
        if case .number(let value, _) = self { return value }
        return nil
    }

    /// The text of a text cell (not of a number).
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The cell as text: a text cell's text, a number's canonical digits, `""` for empty.
    public var plainText: String {
        switch self {
        case .empty: return ""
        case .text(let value): return value
        case .number(let value, _): return value.text
        }
    }

    /// The cell as the input printed it: a number's raw text when it had one.
    public var sourceText: String {
        switch self {
        case .empty: return ""
        case .text(let value): return value
        case .number(let value, let raw): return raw ?? value.text
        }
    }
}

/// What a row is: ordinary data, or a total that closes other rows.
public enum RowKind: String, Hashable, Sendable, CaseIterable {
    case data
    /// A `小计` / `Subtotal` row: closes the rows since the previous subtotal or group label.
    case subtotal
    /// A `合计`, `总计`, `本年收入合计` … / `Total` row.
    case total
}

/// One row of a table body.
public struct Row: Hashable, Sendable {
    public var kind: RowKind
    /// The 1-based line (text, CSV) or row number (spreadsheets) the row came from.
    public var line: Int?
    public var cells: [Cell]

    public init(kind: RowKind = .data, line: Int? = nil, cells: [Cell]) {
        self.kind = kind
        self.line = line
        self.cells = cells
    }
}

/// One labelled cell of the header tree. Rows are the outer array of `TableHead.header`.
public struct HeaderCell: Hashable, Sendable {
    public var text: String
    /// The first column it covers (0-based).
    public var column: Int
    public var columnSpan: Int
    public var rowSpan: Int

    public init(text: String, column: Int, columnSpan: Int = 1, rowSpan: Int = 1) {
        self.text = text
        self.column = column
        self.columnSpan = columnSpan
        self.rowSpan = rowSpan
    }
}

/// What the values of a column are.
public enum ColumnType: String, Hashable, Sendable {
    /// Every non-empty cell is a number.
    case number
    /// Text (identifiers such as `2010350` included), or a mix.
    case text
    /// No non-empty cell.
    case empty
}

/// One column: its flat name and the header labels above it.
public struct Column: Hashable, Sendable {
    /// The path joined with `/`: `预算数/基本支出/人员经费`.
    public var name: String
    /// The header labels from the top level down: `["预算数", "基本支出", "人员经费"]`.
    public var path: [String]
    public var type: ColumnType

    public init(path: [String], type: ColumnType = .text) {
        self.path = path
        self.name = Column.name(for: path)
        self.type = type
    }

    /// The flat name of a header path: the labels joined with `/`.
    public static func name(for path: [String]) -> String { path.joined(separator: "/") }

    /// The name of a column without header labels: `Column 3` for the third (`position` 2).
    public static func unlabelledName(at position: Int) -> String { "Column \(position + 1)" }
}

/// A change a reader made to what it read, so that nothing is altered silently.
public struct Repair: Hashable, Sendable {
    public var line: Int
    public var action: String

    public init(line: Int, action: String) {
        self.line = line
        self.action = action
    }
}

/// Everything about a table that is known before its rows.
public struct TableHead: Hashable, Sendable {
    /// The label as printed (`预算01表`, `Table 2`), or a name such as a sheet name.
    public var id: String
    /// The rest of the caption (`收支总表`).
    public var title: String
    /// The unit the amounts are in (`万元`), when the document states one.
    public var unit: String?
    /// Other caption lines (`(2026年度)`) and text kept with the table.
    public var notes: [String]
    /// Header rows; each row lists the labelled cells it has, left to right.
    public var header: [[HeaderCell]]
    public var columns: [Column]
    /// The line of the caption (or the first line of the table).
    public var line: Int?

    public init(id: String, title: String = "", unit: String? = nil, notes: [String] = [],
                header: [[HeaderCell]] = [], columns: [Column] = [], line: Int? = nil) {
        self.id = id
        self.title = title
        self.unit = unit
        self.notes = notes
        self.header = header
        self.columns = columns
        self.line = line
    }

    /// `预算01表 收支总表`: the id and the title as a caption reads.
    public var caption: String { title.isEmpty ? id : (id.isEmpty ? title : id + " " + title) }
}

/// A table: its head, its rows and the repairs made while reading it.
@dynamicMemberLookup
public struct Table: Hashable, Sendable {
    public var head: TableHead
    public var rows: [Row]
    public var repairs: [Repair]

    public init(head: TableHead, rows: [Row] = [], repairs: [Repair] = []) {
        self.head = head
        self.rows = rows
        self.repairs = repairs
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<TableHead, Value>) -> Value {
        get { head[keyPath: keyPath] }
        // In place: a get-then-set would copy the value (an array of columns) on every
        // element write, making `table.columns[i].type = …` in a loop quadratic.
        _modify { yield &head[keyPath: keyPath] }
    }
}

/// Where a document came from.
public struct SourceInfo: Hashable, Sendable {
    /// The file name as given (`budget-2026.txt`, `-` for stdin).
    public var name: String
    /// The reader's format name (`text`, `csv`, `xlsx`, …).
    public var format: String

    public init(name: String, format: String) {
        self.name = name
        self.format = format
    }
}

/// A read document: its tables and what the reader had to say.
public struct Document: Hashable, Sendable {
    public var source: SourceInfo
    public var tables: [Table]
    public var diagnostics: [Diagnostic]

    public init(source: SourceInfo, tables: [Table] = [], diagnostics: [Diagnostic] = []) {
        self.source = source
        self.tables = tables
        self.diagnostics = diagnostics
    }
}
