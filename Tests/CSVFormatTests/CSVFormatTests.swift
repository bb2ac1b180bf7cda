import XCTest
@testable import CSVFormat

final class CSVFormatModuleTests: XCTestCase {
    func testModuleLoads() {}
}
