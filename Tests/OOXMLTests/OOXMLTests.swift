import XCTest
@testable import OOXML

final class OOXMLModuleTests: XCTestCase {
    func testModuleLoads() {}
}
