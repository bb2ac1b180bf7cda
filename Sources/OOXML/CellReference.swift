/// A cell's place in a sheet, as A1 references name it: shared by the XLSX reader and writer.
public struct CellReference: Hashable, Sendable, CustomStringConvertible {
    /// 0-based row.
    public var row: Int
    /// 0-based column.
    public var column: Int

    /// Excel's limits: 1,048,576 rows and 16,384 columns (`XFD`).
    public static let maximumRows = 1_048_576
    public static let maximumColumns = 16_384

    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }

    /// Parses `B7` (letters then digits, no `$`); `nil` when it is not a reference within the limits.
    public init?<Bytes: Collection>(_ text: Bytes) where Bytes.Element == UInt8 {
        var column = 0
        var row = 0
        var letters = 0
        var digits = 0
        for byte in text {
            switch byte {
            case 0x41...0x5A where digits == 0:
                column = column * 26 + Int(byte - 0x40)
                letters += 1
            case 0x61...0x7A where digits == 0:
                column = column * 26 + Int(byte - 0x60)
                letters += 1
            case 0x30...0x39 where letters > 0:
                row = row * 10 + Int(byte - 0x30)
                digits += 1
            default:
                return nil
            }
            if letters > 3 || digits > 7 { return nil }
        }
        guard letters > 0, digits > 0, row >= 1, row <= Self.maximumRows, column <= Self.maximumColumns else { return nil }
        self.init(row: row - 1, column: column - 1)
    }

    /// Parses a reference given as a string.
    public init?(_ text: String) { self.init(Array(text.utf8)) }

    /// The column's letters: 0 → `A`, 25 → `Z`, 26 → `AA`.
    public static func columnName(_ column: Int) -> String {
        var index = column + 1
        var letters: [UInt8] = []
        while index > 0 {
            let remainder = (index - 1) % 26
            letters.append(UInt8(0x41 + remainder))
            index = (index - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// `B7`.
    public var description: String { CellReference.columnName(column) + String(row + 1) }
}
