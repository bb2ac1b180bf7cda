import XCTest
import TableModel
@testable import Checks

final class SampleModelTests: XCTestCase {
    func testPrint() {
        let report = Checks.run(TableBuilding.document(SampleTables.all))
        print(report.renderText(file: "budget.txt"))
        for entry in report.checkedCountsByTable { print(entry) }
        for identity in report.identities where identity.kind != .rowTotal { print(identity.description, identity.status, identity.stated ?? "-", identity.sum ?? "-") }
    }
}
