// Shared by the xlsx and xlsx-parts fuzz targets: reads a workbook to its last row.
import OOXML
import TableModel
import XMLStream
import ZipArchive

/// Reads every table and row of the workbook in `bytes`, errors ignored, with options from `flags`.
func readWorkbook(_ bytes: [UInt8], flags: UInt8) {
    var options = XLSXReadOptions()
    options.readsInBackground = false
    options.headerRows = [nil, nil, 0, 2][Int(flags & 3)]
    options.fillDown = flags & 4 != 0
    options.lookaheadRows = flags & 8 == 0 ? 1_000 : 1
    options.sheet = flags & 16 == 0 ? nil : "2"
    options.zipLimits = ZipReadLimits(maximumEntryCount: 1_000, maximumEntrySize: 8 << 20, maximumTotalSize: 32 << 20,
                                      maximumCompressionRatio: 200, ratioGraceSize: 64 << 10)
    options.xmlLimits = XMLReadLimits(maximumDepth: 64, maximumAttributeCount: 64, maximumTextLength: 1 << 20)
    do {
        let reader = try XLSXReader(bytes: bytes, name: "fuzz.xlsx", options: options)
        var rows = 0
        while try reader.nextTable() != nil {
            while try reader.nextRow() != nil {
                rows += 1
                // Row numbers up to 1,048,576 may be padded with empty rows: stop early.
                if rows > 100_000 { return }
            }
        }
    } catch {}
}
