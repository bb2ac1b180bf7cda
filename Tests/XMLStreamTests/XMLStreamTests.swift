import XCTest
@testable import XMLStream

final class XMLStreamModuleTests: XCTestCase {
    func testModuleLoads() {}
}
