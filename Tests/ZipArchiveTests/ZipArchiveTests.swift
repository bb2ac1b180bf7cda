import XCTest
@testable import ZipArchive

final class ZipArchiveModuleTests: XCTestCase {
    func testModuleLoads() {}
}
