import TableModel
import XMLStream

extension XLSXWriter {
    /// How one cell looks: a combination that becomes one `<xf>` of `cellXfs`.
    struct CellStyle: Hashable {
        enum Font: Int, CaseIterable {
            case regular, bold, caption
        }

        enum HorizontalAlignment: String {
            case general, left, center, right
        }

        var font: Font = .regular
        /// The number format code; `nil` is General.
        var numberFormat: String?
        var horizontal: HorizontalAlignment = .general
        var centredVertically = false
        var wraps = false
        var bordered = false

        static let `default` = CellStyle()
    }

    /// The styles a workbook uses, numbered as they are first asked for; written as
    /// `xl/styles.xml` once the sheets are done.
    final class StyleSheet {
        private(set) var styles: [CellStyle] = [.default]
        private var indexes: [CellStyle: Int] = [.default: 0]
        /// The `s` index of `style`.
        func index(of style: CellStyle) -> Int {
            if let index = indexes[style] { return index }
            styles.append(style)
            indexes[style] = styles.count - 1
            return styles.count - 1
        }

        /// The style of a number with `scale` fraction digits: `#,##0.000000` for six when
        /// `grouped`, `0.000000` otherwise; bold for totals.
        func numberStyle(scale: Int, grouped: Bool, bold: Bool) -> Int {
            var format = grouped ? "#,##0" : "0"
            if scale > 0 { format += "." + String(repeating: "0", count: scale) }
            return index(of: CellStyle(font: bold ? .bold : .regular, numberFormat: format))
        }

        /// `xl/styles.xml`.
        func write(to sink: ByteSink) throws {
            var formats: [String] = []
            var formatIDs: [String: Int] = [:]
            for style in styles {
                if let format = style.numberFormat, formatIDs[format] == nil {
                    formatIDs[format] = 164 + formats.count  // the first id for custom formats
                    formats.append(format)
                }
            }

            let xml = XMLWriter(output: sink)
            try xml.declaration()
            try xml.startElement("styleSheet", attributes: ["xmlns": OOXMLNamespace.spreadsheetML])
            if !formats.isEmpty {
                try xml.startElement("numFmts", attributes: ["count": String(formats.count)])
                for format in formats {
                    try xml.emptyElement("numFmt", attributes: ["numFmtId": String(formatIDs[format] ?? 0), "formatCode": format])
                }
                try xml.endElement()
            }

            try xml.startElement("fonts", attributes: ["count": String(CellStyle.Font.allCases.count)])
            for font in CellStyle.Font.allCases {
                try xml.startElement("font")
                if font != .regular { try xml.emptyElement("b") }
                try xml.emptyElement("sz", attributes: ["val": font == .caption ? "14" : "11"])
                try xml.emptyElement("name", attributes: ["val": "Calibri"])
                try xml.emptyElement("family", attributes: ["val": "2"])
                try xml.endElement()
            }
            try xml.endElement()

            // The first two fills are fixed by the format: none and gray125.
            try xml.startElement("fills", attributes: ["count": "2"])
            for pattern in ["none", "gray125"] {
                try xml.startElement("fill")
                try xml.emptyElement("patternFill", attributes: ["patternType": pattern])
                try xml.endElement()
            }
            try xml.endElement()

            try xml.startElement("borders", attributes: ["count": "2"])
            for bordered in [false, true] {
                try xml.startElement("border")
                for side in ["left", "right", "top", "bottom"] {
                    if bordered {
                        try xml.startElement(side, attributes: ["style": "thin"])
                        try xml.emptyElement("color", attributes: ["auto": "1"])
                        try xml.endElement()
                    } else {
                        try xml.emptyElement(side)
                    }
                }
                try xml.emptyElement("diagonal")
                try xml.endElement()
            }
            try xml.endElement()

            try xml.startElement("cellStyleXfs", attributes: ["count": "1"])
            try xml.emptyElement("xf", attributes: ["numFmtId": "0", "fontId": "0", "fillId": "0", "borderId": "0"])
            try xml.endElement()

            try xml.startElement("cellXfs", attributes: ["count": String(styles.count)])
            for style in styles {
                let formatID = style.numberFormat.flatMap { formatIDs[$0] } ?? 0
                let aligned = style.horizontal != .general || style.centredVertically || style.wraps
                try xml.startElement("xf", attributes: [
                    "numFmtId": String(formatID), "fontId": String(style.font.rawValue), "fillId": "0",
                    "borderId": style.bordered ? "1" : "0", "xfId": "0",
                    "applyNumberFormat": formatID == 0 ? "0" : "1", "applyFont": style.font == .regular ? "0" : "1",
                    "applyBorder": style.bordered ? "1" : "0", "applyAlignment": aligned ? "1" : "0",
                ])
                if aligned {
                    try xml.emptyElement("alignment", attributes: [
                        "horizontal": style.horizontal.rawValue,
                        "vertical": style.centredVertically ? "center" : "bottom",
                        "wrapText": style.wraps ? "1" : "0",
                    ])
                }
                try xml.endElement()
            }
            try xml.endElement()

            try xml.startElement("cellStyles", attributes: ["count": "1"])
            try xml.emptyElement("cellStyle", attributes: ["name": "Normal", "xfId": "0", "builtinId": "0"])
            try xml.endElement()
            try xml.endElement()
            try xml.finish()
        }
    }
}
