// Cleanup of the artefacts PDF extraction leaves in cell text.
//
// Rules (each keeps every letter, ideograph and digit; only spaces go):
// - Leading and trailing whitespace (space, U+3000, no-break space, form feed) is trimmed.
// - A space between two CJK characters is removed: Chinese has no spaces between words, so a
//   space there is a wrap (`一般公共预算 资金`) or letter-spacing (`收 入`, `合 计`).
// - A cell that starts with a code broken by spaces, such as `11000022Y0000 00426179-北京…`,
//   gets its fragments joined when they form one identifier: fragments of digits and capital
//   letters, the first at least 4 long and with a digit, the last ending in `-name`, 12 or more
//   characters in all (codes that short never wrap).
// - Everything else keeps its spaces: English words, `1 2`, `</p> <p>`, `AI 技术`.

enum TextCleanup {
    /// The cell's text without surrounding whitespace and without wrap artefacts.
    static func clean(_ text: String) -> String {
        let trimmed = trim(text)
        guard containsSpace(trimmed) else { return trimmed }
        let scalars = Array(trimmed.unicodeScalars)
        // Tokens and the whitespace runs between them.
        var tokens: [ArraySlice<Unicode.Scalar>] = []
        var gaps: [ArraySlice<Unicode.Scalar>] = []
        var index = 0
        while index < scalars.count {
            let start = index
            while index < scalars.count && !isSpace(scalars[index]) { index += 1 }
            tokens.append(scalars[start..<index])
            let gapStart = index
            while index < scalars.count && isSpace(scalars[index]) { index += 1 }
            if index > gapStart && index < scalars.count { gaps.append(scalars[gapStart..<index]) }
        }
        guard tokens.count > 1 else { return trimmed }
        var joined = [Bool](repeating: false, count: gaps.count)
        for gap in 0..<gaps.count {
            if let last = tokens[gap].last, let first = tokens[gap + 1].first, isCJK(last), isCJK(first) {
                joined[gap] = true
            }
        }
        let codeGaps = brokenCodeGapCount(tokens)
        for gap in 0..<codeGaps { joined[gap] = true }
        guard joined.contains(true) else { return trimmed }
        var result = String.UnicodeScalarView()
        for (position, token) in tokens.enumerated() {
            result.append(contentsOf: token)
            if position < gaps.count && !joined[position] { result.append(contentsOf: gaps[position]) }
        }
        return String(result)
    }

    /// Whether `text` holds a space of `isSpace`, found on its UTF-8 bytes.
    static func containsSpace(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable(containsSpace) ?? Array(text.utf8).withUnsafeBufferPointer(containsSpace)
    }

    /// Whether the UTF-8 `bytes` hold a space of `isSpace`.
    static func containsSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            switch bytes[index] {
            case 0x09...0x0D, 0x20: return true
            case 0xC2:  // U+00A0
                if index + 1 < count && bytes[index + 1] == 0xA0 { return true }
            case 0xE2:  // U+2000–U+200B
                if index + 2 < count && bytes[index + 1] == 0x80 && bytes[index + 2] <= 0x8B { return true }
            case 0xE3:  // U+3000
                if index + 2 < count && bytes[index + 1] == 0x80 && bytes[index + 2] == 0x80 { return true }
            case 0xEF:  // U+FEFF
                if index + 2 < count && bytes[index + 1] == 0xBB && bytes[index + 2] == 0xBF { return true }
            default: break
            }
            index += 1
        }
        return false
    }

    /// `text` without leading and trailing whitespace.
    static func trim(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
              isSpace(first) || isSpace(last) else { return text }
        let scalars = text.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isSpace($0) }),
              let end = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[start...end])
    }

    /// `text` without any whitespace: the form labels are compared in (`合 计` = `合计`).
    static func compact(_ text: String) -> String {
        guard containsSpace(text) else { return text }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text.unicodeScalars.lazy.filter { !isSpace($0) })
        return String(result)
    }

    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x3000, 0x2000...0x200B, 0xFEFF: return true
        default: return false
        }
    }

    /// Han ideographs, kana, CJK punctuation and full-width forms: scripts written without spaces.
    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3001...0x303F, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,
             0xFF01...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x2FA1F: return true
        default: return false
        }
    }

    /// How many gaps at the start of the tokens lie inside one broken identifier
    /// (`11000022Y0000 00426179-北京` → 1), or 0.
    private static func brokenCodeGapCount(_ tokens: [ArraySlice<Unicode.Scalar>]) -> Int {
        func isCodeScalar(_ scalar: Unicode.Scalar) -> Bool {
            (scalar.value >= 0x30 && scalar.value <= 0x39) || (scalar.value >= 0x41 && scalar.value <= 0x5A)
        }
        guard tokens[0].count >= 4, tokens[0].allSatisfy(isCodeScalar),
              tokens[0].contains(where: { $0.value >= 0x30 && $0.value <= 0x39 }) else { return 0 }
        var codeLength = tokens[0].count
        for position in 1..<tokens.count {
            let token = tokens[position]
            if token.allSatisfy(isCodeScalar) {
                codeLength += token.count
                continue
            }
            // The last fragment: code characters, then `-` and a name.
            guard let hyphen = token.firstIndex(where: { !isCodeScalar($0) }), token[hyphen] == "-",
                  hyphen > token.startIndex, hyphen + 1 < token.endIndex else { return 0 }
            codeLength += hyphen - token.startIndex
            return codeLength >= 12 ? position : 0
        }
        return 0
    }
}
