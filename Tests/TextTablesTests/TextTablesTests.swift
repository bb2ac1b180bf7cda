import XCTest
@testable import TextTables

final class TextTablesModuleTests: XCTestCase {
    func testModuleLoads() {}
}
