// OOXML: the Office Open XML formats, XLSX both ways and DOCX tables, over ZipArchive and XMLStream.
//
// Writing (`XLSXWriter`, a `TableSink`) streams: one worksheet ZIP entry per table, deflated as its
// rows arrive. Only the first rows of a table (1,000 by default) are held, to size the columns
// from content before `<cols>`, which precedes the cell data; then every row is encoded to XML
// bytes and passed on at once. Strings are inline (`t="inlineStr"`) rather than shared: a shared
// string table must be complete before the workbook is read and can only be written after the
// last row, so it would either grow with the input (a million distinct remarks) or need a second
// pass; inline strings keep memory bounded, cost no lookup, and every reader handles them.
// Numbers are written from their exact decimal text with one number format per scale, so the
// file stores `9885.752630` and shows `9,885.752630`. Parts whose content is known in advance
// (content types, package relationships, document properties) come first, the workbook, its
// relationships and the styles (collected while the sheets are written) last. Deflate is the
// largest cost: it runs at level 1 on a second thread while the next rows are encoded.

/// XML namespaces of the parts tabconv writes and reads.
enum OOXMLNamespace {
    static let spreadsheetML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let officeDocumentRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let contentTypes = "http://schemas.openxmlformats.org/package/2006/content-types"
    static let coreProperties = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    static let extendedProperties = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
}

/// Content types and relationship types of SpreadsheetML packages.
enum OOXMLPartType {
    static let workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    static let worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    static let styles = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
    static let relationships = "application/vnd.openxmlformats-package.relationships+xml"
    static let coreProperties = "application/vnd.openxmlformats-package.core-properties+xml"
    static let extendedProperties = "application/vnd.openxmlformats-officedocument.extended-properties+xml"

    static let officeDocumentRelationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    static let worksheetRelationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    static let stylesRelationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
    static let coreRelationship = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
    static let extendedRelationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
}
