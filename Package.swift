// swift-tools-version:5.10
// tabconv: tables out of documents as clean, exact data. No third-party Swift packages;
// zlib and libxml2 come from the system through the two system-library targets.
import PackageDescription

let package = Package(
    name: "tabconv",
    products: [
        .executable(name: "tabconv", targets: ["tabconv"]),
        .library(name: "TabConv", targets: ["TabConv"]),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),

        .target(name: "TableModel"),
        .target(name: "ZipArchive", dependencies: ["CZlib", "TableModel"]),
        .target(name: "XMLStream", dependencies: ["CLibXML2", "TableModel"]),
        .target(name: "CSVFormat", dependencies: ["TableModel"]),
        .target(name: "TextTables", dependencies: ["TableModel", "XMLStream"]),
        .target(name: "JSONFormat", dependencies: ["TableModel"]),
        .target(name: "MarkdownFormat", dependencies: ["TableModel"]),
        .target(name: "OOXML", dependencies: ["TableModel", "ZipArchive", "XMLStream"]),
        .target(name: "Checks", dependencies: ["TableModel", "JSONFormat"]),
        .target(name: "TabConv", dependencies: [
            "TableModel", "CSVFormat", "TextTables", "JSONFormat", "MarkdownFormat", "OOXML", "Checks",
        ]),
        .executableTarget(name: "tabconv", dependencies: ["TabConv"]),

        .testTarget(name: "TableModelTests", dependencies: ["TableModel"]),
        .testTarget(name: "ZipArchiveTests", dependencies: ["ZipArchive"]),
        .testTarget(name: "XMLStreamTests", dependencies: ["XMLStream"]),
        .testTarget(name: "CSVFormatTests", dependencies: ["CSVFormat"]),
        .testTarget(name: "TextTablesTests", dependencies: ["TextTables"], exclude: ["Fixtures"]),
        .testTarget(name: "JSONFormatTests", dependencies: ["JSONFormat", "CSVFormat"]),
        .testTarget(name: "MarkdownFormatTests", dependencies: ["MarkdownFormat"]),
        .testTarget(name: "OOXMLTests", dependencies: ["OOXML", "CSVFormat", "JSONFormat"]),
        .testTarget(name: "ChecksTests", dependencies: ["Checks", "TextTables"]),
        .testTarget(name: "TabConvTests", dependencies: ["TabConv", "TableModel"]),
    ]
)
