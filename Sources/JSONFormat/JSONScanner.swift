#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TableModel

/// A byte-level JSON scanner that a reader drives by the shape it expects (no tree is built):
/// `readObject` hands each key to the caller, who reads its value with the matching method.
/// Numbers are handed out as `ExactDecimal`s, never through `Double`. Errors are `FormatError`s
/// with the line and column of the offending byte; nesting deeper than `maximumDepth` is an error,
/// so hostile input cannot exhaust the stack.
struct JSONScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let fileName: String
    private(set) var position: Int
    private var depth = 0

    /// Deepest nesting of arrays and objects accepted.
    static let maximumDepth = 64
    /// Largest exponent magnitude accepted in a number (`1e100` and beyond are refused).
    static let maximumExponent = 100

    init(bytes: UnsafeBufferPointer<UInt8>, fileName: String, start: Int = 0) {
        self.bytes = bytes
        self.fileName = fileName
        self.position = start
    }

    // MARK: Errors

    /// An error at byte `offset` (the current position when `nil`), located by line and column
    /// (columns count characters, from 1).
    func error(_ message: String, at offset: Int? = nil) -> FormatError {
        let target = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        for index in 0..<target where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        var column = 1
        for index in lineStart..<target where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return FormatError(file: fileName, line: line, place: "column \(column)", message)
    }

    /// What stands at the current position, for error messages.
    func describeCurrent() -> String {
        guard position < bytes.count else { return "the end of the input" }
        let byte = bytes[position]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    // MARK: Structure

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    /// Skips whitespace and returns where the next value starts (for errors about that value).
    mutating func valueStart() -> Int {
        skipWhitespace()
        return position
    }

    /// The next byte that is not whitespace, without consuming it; `nil` at the end.
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else {
            throw error("expected \(what), found \(describeCurrent())")
        }
        position += 1
    }

    /// Fails unless only whitespace remains.
    mutating func expectEnd() throws {
        skipWhitespace()
        guard position == bytes.count else { throw error("unexpected \(describeCurrent()) after the end of the JSON document") }
    }

    private mutating func enterNesting() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
    }

    /// Reads an object, calling `member` with each key; `member` must read the key's value.
    mutating func readObject(_ what: String, _ member: (inout JSONScanner, String) throws -> Void) throws {
        try expect(0x7B, "\(what) (an object)")  // {
        try enterNesting()
        if peek() == 0x7D {  // }
            position += 1
            depth -= 1
            return
        }
        while true {
            guard peek() == 0x22 else { throw error("expected a key (a string) in \(what), found \(describeCurrent())") }
            let key = try readString()
            try expect(0x3A, "':' after the key \"\(key)\"")  // :
            try member(&self, key)
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated \(what): the input ends inside it") }
            if bytes[position] == 0x2C { position += 1; continue }  // ,
            if bytes[position] == 0x7D { position += 1; break }  // }
            throw error("expected ',' or '}' in \(what), found \(describeCurrent())")
        }
        depth -= 1
    }

    /// Reads an array, calling `element` once per element; `element` must read it.
    mutating func readArray(_ what: String, _ element: (inout JSONScanner) throws -> Void) throws {
        try expect(0x5B, "\(what) (an array)")  // [
        try enterNesting()
        if peek() == 0x5D {  // ]
            position += 1
            depth -= 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            guard position < bytes.count else { throw error("unterminated \(what): the input ends inside it") }
            if bytes[position] == 0x2C { position += 1; continue }  // ,
            if bytes[position] == 0x5D { position += 1; break }  // ]
            throw error("expected ',' or ']' in \(what), found \(describeCurrent())")
        }
        depth -= 1
    }

    // MARK: Values

    /// Consumes `null` when it comes next and says whether it did.
    mutating func readNullIfPresent() throws -> Bool {
        guard peek() == 0x6E else { return false }  // n
        try readKeyword("null")
        return true
    }

    private mutating func readKeyword(_ word: StaticString) throws {
        let start = position
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count,
              memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0 else {
            throw error("invalid literal (expected \(word))", at: start)
        }
        position += count
    }

    /// Reads a string value.
    mutating func readString() throws -> String {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == 0x22 else { throw error("expected a string, found \(describeCurrent())") }
        let start = position
        position += 1
        let contentStart = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == 0x5C { break }
            if byte < 0x20 { throw error("control character (byte 0x\(String(byte, radix: 16, uppercase: true))) inside a string; it must be escaped") }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string", at: start) }
        // Slow path: unescape.
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[contentStart..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            if byte == 0x22 {
                position += 1
                return String(decoding: decoded, as: UTF8.self)
            }
            if byte < 0x20 { throw error("control character (byte 0x\(String(byte, radix: 16, uppercase: true))) inside a string; it must be escaped") }
            if byte != 0x5C {
                decoded.append(byte)
                position += 1
                continue
            }
            let escapeStart = position
            position += 1
            guard position < bytes.count else { break }
            let escaped = bytes[position]
            position += 1
            switch escaped {
            case 0x22, 0x5C, 0x2F: decoded.append(escaped)  // " \ /
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalarValue = try readHexQuad(escapeStart: escapeStart)
                if (0xD800...0xDBFF).contains(scalarValue) {
                    guard position + 1 < bytes.count, bytes[position] == 0x5C, bytes[position + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired UTF-16 surrogate \\u\(String(scalarValue, radix: 16, uppercase: true))", at: escapeStart)
                    }
                    position += 2
                    let low = try readHexQuad(escapeStart: escapeStart)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("unpaired UTF-16 surrogate \\u\(String(scalarValue, radix: 16, uppercase: true))", at: escapeStart)
                    }
                    scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalarValue) {
                    throw error("unpaired UTF-16 surrogate \\u\(String(scalarValue, radix: 16, uppercase: true))", at: escapeStart)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else {
                    throw error("invalid \\u escape", at: escapeStart)
                }
                decoded.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(escaped)))' in a string", at: escapeStart)
            }
        }
        throw error("unterminated string", at: start)
    }

    private mutating func readHexQuad(escapeStart: Int) throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("incomplete \\u escape", at: escapeStart) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw error("invalid \\u escape (expected four hex digits)", at: escapeStart)
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// Reads an optional string: `null` gives `nil`.
    mutating func readOptionalString() throws -> String? {
        try readNullIfPresent() ? nil : readString()
    }

    /// Reads a number exactly. The JSON grammar is enforced (`-?(0|[1-9][0-9]*)(.[0-9]+)?`
    /// with an optional exponent); an exponent moves the point (`1.5e3` is `1500`, `15e-1` is `1.5`).
    mutating func readDecimal() throws -> ExactDecimal {
        skipWhitespace()
        let start = position
        if position < bytes.count, bytes[position] == 0x2D { position += 1 }  // -
        let integerStart = position
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
        let integerDigits = position - integerStart
        guard integerDigits > 0 else { throw error("expected a number, found \(describeCurrent())") }
        if integerDigits > 1, bytes[integerStart] == 0x30 { throw error("a number may not have a leading zero", at: start) }
        if position < bytes.count, bytes[position] == 0x2E {  // .
            position += 1
            let fractionStart = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > fractionStart else { throw error("expected a digit after the decimal point") }
        }
        let mantissaEnd = position
        var exponent = 0
        if position < bytes.count, bytes[position] == 0x65 || bytes[position] == 0x45 {  // e E
            position += 1
            var exponentNegative = false
            if position < bytes.count, bytes[position] == 0x2B || bytes[position] == 0x2D {
                exponentNegative = bytes[position] == 0x2D
                position += 1
            }
            let exponentStart = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                exponent = min(exponent * 10 + Int(bytes[position] - 0x30), Self.maximumExponent + 1)
                position += 1
            }
            guard position > exponentStart else { throw error("expected a digit in the exponent") }
            guard exponent <= Self.maximumExponent else { throw error("exponent out of range (at most ±\(Self.maximumExponent))", at: start) }
            if exponentNegative { exponent = -exponent }
        }
        guard let mantissa = ExactDecimal.parse(UnsafeBufferPointer(rebasing: bytes[start..<mantissaEnd]), options: .plain) else {
            throw error("number with more than \(ExactDecimal.maximumSignificantDigits) significant digits", at: start)
        }
        guard exponent != 0 else { return mantissa }
        let value = mantissa.shifted(by: exponent)
        guard value.significantDigitCount <= ExactDecimal.maximumSignificantDigits else {
            throw error("number with more than \(ExactDecimal.maximumSignificantDigits) significant digits", at: start)
        }
        return value
    }

    /// Reads a whole number (no fraction, no exponent) of at most 18 digits.
    mutating func readInteger(_ what: String) throws -> Int {
        skipWhitespace()
        let start = position
        let negative = position < bytes.count && bytes[position] == 0x2D
        if negative { position += 1 }
        let digitStart = position
        var value = 0
        while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
            guard position - digitStart < 18 else { throw error("\(what) is too large", at: start) }
            value = value * 10 + Int(bytes[position] - 0x30)
            position += 1
        }
        guard position > digitStart else { throw error("expected \(what) (a whole number), found \(describeCurrent())") }
        if position - digitStart > 1, bytes[digitStart] == 0x30 { throw error("a number may not have a leading zero", at: start) }
        if position < bytes.count, [0x2E, 0x65, 0x45].contains(bytes[position]) {
            throw error("\(what) must be a whole number", at: start)
        }
        return negative ? -value : value
    }

    /// Reads an optional whole number: `null` gives `nil`.
    mutating func readOptionalInteger(_ what: String) throws -> Int? {
        try readNullIfPresent() ? nil : readInteger(what)
    }

    /// Skips one value of any kind (a key this reader does not know), within the depth limit.
    mutating func skipValue() throws {
        switch peek() ?? 0 {
        case 0x7B: try readObject("an object") { scanner, _ in try scanner.skipValue() }
        case 0x5B: try readArray("an array") { scanner in try scanner.skipValue() }
        case 0x22: _ = try readString()
        case 0x74: try readKeyword("true")
        case 0x66: try readKeyword("false")
        case 0x6E: try readKeyword("null")
        case 0x2D, 0x30...0x39: _ = try readDecimal()
        default: throw error("expected a JSON value, found \(describeCurrent())")
        }
    }
}
