import TableModel

// Segmentation: which lines form which table.
//
// A caption line (`预算01表 收支总表`, `预算表12 …`, `表3 …`, `Table 2: …`) that is followed by a
// tabbed line before the next caption opens a table, which runs to the next caption. Between
// the caption and the first tabbed line, unit lines (`金额单位：万元`, `Unit: USD thousand`) set
// the unit and other lines are notes. A caption repeating the id of the table just before it
// (a page break) continues that table. Tabbed lines before the first caption form a table
// without a caption; other text outside tables becomes a note diagnostic.

/// A table's caption: the label as printed and the rest.
typealias Caption = TableCaption

/// The caption and unit-line rules, shared with the other readers (`TableLabels`).
enum CaptionParsing {
    /// The caption in `text` (trimmed, not yet cleaned), or `nil`.
    static func caption(_ text: String) -> Caption? { TableLabels.caption(text) }

    /// The label and the unit of a unit line (`金额单位：万元`, `（单位：元）`, `Unit: USD thousand`).
    static func unit(_ text: String) -> (label: String, unit: String)? { TableLabels.unit(text) }
}

/// The lines of one table, with what its caption lines said.
struct TableRegion {
    var caption: Caption?
    var captionLine: Int?
    var unit: String?
    var unitLine: Int?
    var notes: [String] = []
    /// The lines from the first tabbed line on (blank lines included: they mark breaks).
    var lines: [TextLine] = []
}

struct Segmentation {
    let rawText: Bool

    /// The tables of a document, and diagnostics for text outside them.
    func regions(of lines: [TextLine], diagnostics: inout [Diagnostic]) -> [TableRegion] {
        let captions = acceptedCaptions(lines)
        // The last region is the open one; it is changed in place (a copy per line would be
        // quadratic in the table's length).
        var regions: [TableRegion] = []
        var inTableLines = false
        for (position, line) in lines.enumerated() {
            if let (caption, extras) = captions[position] {
                if inTableLines, !caption.id.isEmpty, regions.last?.caption?.id == caption.id {
                    // The same table again after a page break: continue it.
                    diagnostics.append(Diagnostic(.note, line: line.number,
                                                  "caption \"\(text(of: line))\" repeats table \(caption.id); read as its continuation"))
                } else {
                    regions.append(TableRegion(caption: caption, captionLine: line.number))
                }
                for extra in extras {
                    absorbPreamble(extra, line: line.number, into: &regions[regions.count - 1], &diagnostics)
                }
                inTableLines = false
                continue
            }
            guard !regions.isEmpty else {
                if line.isBlank { continue }
                if line.isTabbed {
                    regions.append(TableRegion(lines: [line]))
                    inTableLines = true
                } else {
                    diagnostics.append(Diagnostic(.note, line: line.number, "text outside any table: \(text(of: line))"))
                }
                continue
            }
            let open = regions.count - 1
            if !inTableLines {
                if line.isBlank { continue }
                let cells = line.nonEmptyCells
                let hasUnit = cells.count <= 3 && cells.contains { CaptionParsing.unit($0) != nil }
                if !line.isTabbed || hasUnit {
                    for (index, cell) in line.clean.enumerated() where !cell.isEmpty {
                        absorbPreamble(rawText ? line.raw[index] : cell, line: line.number, into: &regions[open], &diagnostics)
                    }
                    continue
                }
                inTableLines = true
            }
            // Layout text: a block with other columns and no caption of its own is another table.
            if line.startsBlock, regions[open].caption == nil, let previous = regions[open].lines.last(where: { $0.isTabbed }), previous.raw.count != line.raw.count {
                regions.append(TableRegion(lines: [line]))
                continue
            }
            regions[open].lines.append(line)
        }
        return regions
    }

    /// A caption or preamble line's text for notes and diagnostics.
    func text(of line: TextLine) -> String {
        let cells = rawText ? line.raw.filter { !TextCleanup.trim($0).isEmpty } : line.nonEmptyCells
        return cells.joined(separator: " ")
    }

    /// A preamble cell: the unit when it is a unit line, else a note. A unit line repeating the
    /// unit (after a continued caption) is reported, not kept twice.
    private func absorbPreamble(_ cell: String, line: Int, into region: inout TableRegion,
                                _ diagnostics: inout [Diagnostic]) {
        if let (_, unit) = CaptionParsing.unit(cell) {
            if region.unit == nil {
                region.unit = unit
                region.unitLine = line
                return
            }
            if region.unit == unit {
                diagnostics.append(Diagnostic(.note, line: line, "unit line \"\(cell)\" repeats the table's unit"))
                return
            }
        }
        region.notes.append(cell)
    }

    /// Caption lines that are followed by a tabbed line before the next caption candidate,
    /// keyed by line position, with the other cells of the line (a unit beside the caption).
    private func acceptedCaptions(_ lines: [TextLine]) -> [Int: (Caption, [String])] {
        var candidates: [(Int, Caption, [String])] = []
        for (position, line) in lines.enumerated() {
            guard let first = line.clean.first, !first.isEmpty, first.utf8.count <= 400 else { continue }
            var filled = 0
            for cell in line.clean where !cell.isEmpty { filled += 1 }
            guard filled <= 2 else { continue }
            let cells = line.nonEmptyCells
            let rawFirst = TextCleanup.trim(line.raw[0])
            guard var caption = CaptionParsing.caption(rawFirst) else { continue }
            if cells.count == 2 && CaptionParsing.unit(cells[1]) == nil { continue }
            if !rawText { caption.title = TextCleanup.clean(caption.title) }
            var extras: [String] = []
            if cells.count == 2 {
                extras.append(rawText ? line.raw[1...].first { !TextCleanup.trim($0).isEmpty } ?? cells[1] : cells[1])
            }
            candidates.append((position, caption, extras))
        }
        var accepted: [Int: (Caption, [String])] = [:]
        for (index, candidate) in candidates.enumerated() {
            let end = index + 1 < candidates.count ? candidates[index + 1].0 : lines.count
            let start = candidate.0 + 1
            guard start < end else { continue }
            if lines[start..<end].contains(where: { $0.isTabbed && !$0.isBlank }) {
                accepted[candidate.0] = (candidate.1, candidate.2)
            }
        }
        return accepted
    }
}
