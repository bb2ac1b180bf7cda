import Foundation
import TableModel

/// A sum of exact decimals: a 64-bit integer at the largest scale seen while it fits, Foundation
/// `Decimal` beyond (making a `Decimal` digit by digit for every addend is most of the cost of a
/// check on a big table).
struct ExactSum {
    /// The sum × 10^scale, while no overflow has happened.
    private var scaled = 0
    private(set) var scale = 0
    /// The sum once it no longer fits the integer.
    private var wide: Decimal?

    private static let powersOfTen: [Int] = (0...18).reduce(into: []) { powers, exponent in
        powers.append(exponent == 0 ? 1 : powers[exponent - 1] * 10)
    }

    /// Adds `value` exactly.
    mutating func add(_ value: ExactDecimal) {
        let newScale = max(scale, value.scale)
        if wide == nil, newScale <= 18, let addend = Self.integer(value) {
            let (grown, growOverflow) = scaled.multipliedReportingOverflow(by: Self.powersOfTen[newScale - scale])
            let (shifted, shiftOverflow) = addend.multipliedReportingOverflow(by: Self.powersOfTen[newScale - value.scale])
            let (sum, addOverflow) = grown.addingReportingOverflow(shifted)
            if !growOverflow && !shiftOverflow && !addOverflow {
                scaled = sum
                scale = newScale
                return
            }
        }
        wide = decimal + value.decimal
        scale = newScale
    }

    /// The sum so far.
    var decimal: Decimal {
        if let wide { return wide }
        let magnitude = Decimal(sign: .plus, exponent: -scale, significand: Decimal(scaled.magnitude))
        return scaled < 0 ? -magnitude : magnitude
    }

    /// The value × 10^scale as an integer, when it has at most 18 digits.
    private static func integer(_ value: ExactDecimal) -> Int? {
        var result = 0
        var digits = 0
        for byte in value.text.utf8 where byte >= 0x30 && byte <= 0x39 {
            result = result * 10 + Int(byte - 0x30)
            digits += 1
            if digits > 18 { return nil }
        }
        return value.isNegative ? -result : result
    }
}
