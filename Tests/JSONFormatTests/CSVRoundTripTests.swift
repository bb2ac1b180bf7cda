import XCTest
import TableModel
import CSVFormat
@testable import JSONFormat

/// CSV → JSON → CSV gives the bytes CSV → CSV gives, on every csv-spectrum case: the JSON
/// carries everything the model holds.
final class CSVRoundTripTests: XCTestCase {
    /// `../shared/corpus/csv-spectrum/csvs`, from this file: the repository root is three levels up.
    private let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/corpus/csv-spectrum/csvs").standardizedFileURL

    private func csv(_ source: TableSource) throws -> [UInt8] {
        let sink = MemoryByteSink()
        try source.transfer(to: CSVWriter(output: sink))
        return sink.bytes
    }

    func testCSVThroughJSONIsByteIdenticalToCSVDirect() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0.hasSuffix(".csv") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 11, "csv-spectrum corpus missing at \(corpus.path)")
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: corpus.appendingPathComponent(name)))
            let direct = try csv(CSVReader(source: MemoryByteSource(bytes), name: name))

            let jsonSink = MemoryByteSink()
            try CSVReader(source: MemoryByteSource(bytes), name: name).transfer(to: JSONWriter(output: jsonSink))
            let document = try TabconvJSONReader.read(jsonSink.bytes, name: name + ".json")
            XCTAssertEqual(document, try CSVReader(source: MemoryByteSource(bytes), name: name).readDocument(), name)
            let throughJSON = try csv(DocumentSource(document))

            XCTAssertEqual(String(decoding: throughJSON, as: UTF8.self), String(decoding: direct, as: UTF8.self), name)
            XCTAssertEqual(throughJSON, direct, name)
        }
    }
}
