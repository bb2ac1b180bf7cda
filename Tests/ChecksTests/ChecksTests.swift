import XCTest
@testable import Checks

final class ChecksModuleTests: XCTestCase {
    func testModuleLoads() {}
}
