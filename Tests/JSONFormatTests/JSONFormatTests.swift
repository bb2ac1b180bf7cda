import XCTest
@testable import JSONFormat

final class JSONFormatModuleTests: XCTestCase {
    func testModuleLoads() {}
}
