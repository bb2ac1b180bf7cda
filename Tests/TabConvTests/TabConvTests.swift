import XCTest
@testable import TabConv

final class TabConvModuleTests: XCTestCase {
    func testModuleLoads() {}
}
