import TableModel
@testable import CSVFormat

/// Reads CSV bytes into a document, with the reader for its diagnostics and findings.
func readCSV(_ bytes: [UInt8], name: String = "test.csv",
             options: CSVReadOptions = CSVReadOptions()) throws -> (document: Document, reader: CSVReader) {
    let reader = try CSVReader(source: MemoryByteSource(bytes), name: name, options: options)
    return (try reader.readDocument(), reader)
}

func readCSV(_ text: String, name: String = "test.csv",
             options: CSVReadOptions = CSVReadOptions()) throws -> (document: Document, reader: CSVReader) {
    try readCSV(Array(text.utf8), name: name, options: options)
}

/// The table's rows as the text of their cells.
func rowTexts(_ table: Table) -> [[String]] {
    table.rows.map { $0.cells.map(\.plainText) }
}

/// Writes a document's first table as CSV bytes.
func writeCSV(_ document: Document, options: CSVWriteOptions = CSVWriteOptions()) throws -> [UInt8] {
    let output = MemoryByteSink()
    try DocumentSource(document).transfer(to: CSVWriter(output: output, options: options))
    return output.bytes
}

/// The error a throwing call gives, as a `FormatError`.
func formatError(_ body: () throws -> Void) -> FormatError? {
    do {
        try body()
        return nil
    } catch let error as FormatError {
        return error
    } catch {
        return FormatError("not a FormatError: \(error)")
    }
}
