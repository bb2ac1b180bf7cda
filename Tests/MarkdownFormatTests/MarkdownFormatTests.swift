import XCTest
@testable import MarkdownFormat

final class MarkdownFormatModuleTests: XCTestCase {
    func testModuleLoads() {}
}
