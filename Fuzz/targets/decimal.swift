// Fuzz target: the exact decimal parser (ExactDecimal.parse) under both option sets.
// Laws checked beyond "no crash": a parsed value has at most 38 significant digits, its
// canonical text parses back to itself with the same scale (parse ∘ format = id), and the
// canonical text is accepted by the strict (plain) options too.
import TableModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecimal(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    for options in [ExactDecimal.ParseOptions.lenient, .plain,
                    ExactDecimal.ParseOptions(allowsThousandsSeparators: true, allowsParenthesesNegative: false,
                                              allowsBareFraction: false)] {
        guard let value = ExactDecimal.parse(bytes, options: options) else { continue }
        precondition(value.significantDigitCount <= ExactDecimal.maximumSignificantDigits, "too many digits kept")
        guard let again = ExactDecimal(value.text, options: .plain) else {
            preconditionFailure("canonical text \(value.text) does not parse back")
        }
        precondition(again == value && again.scale == value.scale, "parse ∘ format changed \(value.text)")
        _ = value.groupedText
        _ = value.shifted(by: Int(size % 7) - 3)
    }
    return 0
}
