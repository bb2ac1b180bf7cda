#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The encodings tabconv reads text in. Chinese government files are often GB18030.
public enum TextEncoding: String, Hashable, Sendable {
    case utf8 = "UTF-8"
    case utf16LittleEndian = "UTF-16LE"
    case utf16BigEndian = "UTF-16BE"
    case gb18030 = "GB18030"
}

/// Decides the encoding of text bytes and converts them to UTF-8, shared by every text reader.
///
/// Detection: a UTF-8 or UTF-16 byte order mark decides; otherwise valid UTF-8 is UTF-8;
/// otherwise bytes that are valid GB18030 are GB18030; otherwise the input is rejected with the
/// line and byte offset of the first byte that is neither.
public enum TextDecoding {
    /// The encoding of a document that starts with `prefix`, and the length of its byte order mark.
    /// `prefix` should be the whole input or a large first block of it; a multi-byte sequence cut
    /// at the end of the block is not held against UTF-8.
    public static func detect(_ prefix: UnsafeRawBufferPointer, isComplete: Bool) -> (encoding: TextEncoding, bomLength: Int) {
        let bytes = prefix.bindMemory(to: UInt8.self)
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return (.utf8, 3) }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return (.utf16LittleEndian, 2) }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return (.utf16BigEndian, 2) }
        if firstInvalidUTF8Offset(bytes, allowTruncatedEnd: !isComplete) == nil { return (.utf8, 0) }
        return (.gb18030, 0)
    }

    /// The offset of the first byte that does not belong to a valid UTF-8 sequence, or `nil`.
    public static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>, allowTruncatedEnd: Bool = false) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var minimumSecond: UInt8 = 0x80
            var maximumSecond: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; minimumSecond = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; maximumSecond = 0x9F
            case 0xF0: length = 4; minimumSecond = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; maximumSecond = 0x8F
            default: return index
            }
            if index + length > count {
                if allowTruncatedEnd {
                    // Valid so far? Then the block merely ends inside the sequence.
                    var position = index + 1
                    while position < count {
                        let byte = bytes[position]
                        let low = position == index + 1 ? minimumSecond : 0x80
                        let high = position == index + 1 ? maximumSecond : 0xBF
                        if byte < low || byte > high { return index }
                        position += 1
                    }
                    return nil
                }
                return index
            }
            let second = bytes[index + 1]
            if second < minimumSecond || second > maximumSecond { return index }
            if length >= 3 && bytes[index + 2] & 0xC0 != 0x80 { return index }
            if length == 4 && bytes[index + 3] & 0xC0 != 0x80 { return index }
            index += length
        }
        return nil
    }

    /// Decodes a whole document: the text (without byte order mark) and the encoding found.
    /// Throws a `FormatError` naming the line and byte of the first undecodable byte.
    public static func decode(_ bytes: [UInt8]) throws -> (text: String, encoding: TextEncoding) {
        let (utf8, encoding) = try decodeToUTF8(bytes)
        return (String(decoding: utf8, as: UTF8.self), encoding)
    }

    /// Decodes a whole document to UTF-8 bytes (without byte order mark): the bytes of the text
    /// `decode` returns. UTF-8 input is validated once and, without a byte order mark, returned
    /// as it is (no copy). Throws like `decode`.
    public static func decodeToUTF8(_ bytes: [UInt8]) throws -> (utf8: [UInt8], encoding: TextEncoding) {
        let (encoding, bomLength) = bytes.withUnsafeBytes { detect($0, isComplete: true) }
        switch encoding {
        case .utf8:
            // Without a byte order mark, `detect` found the whole input valid.
            if bomLength == 0 { return (bytes, .utf8) }
            return (repairedUTF8(Array(bytes[bomLength...])), .utf8)
        default:
            let converter = try Transcoder(from: encoding)
            let body = Array(bytes[bomLength...])
            do {
                return (repairedUTF8(try converter.convert(body, isFinal: true)), encoding)
            } catch var error as FormatError {
                // The whole document is at hand: name the line of the bad byte too.
                if error.line == nil, let offset = converter.failureOffset {
                    error.line = body.withUnsafeBufferPointer { line(ofOffset: min(offset, body.count), in: $0) }
                }
                throw error
            }
        }
    }

    /// `bytes` when they are valid UTF-8; else with each invalid sequence replaced by U+FFFD, as
    /// `String(decoding:as:)` does.
    private static func repairedUTF8(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.withUnsafeBufferPointer({ firstInvalidUTF8Offset($0) }) == nil { return bytes }
        return Array(String(decoding: bytes, as: UTF8.self).utf8)
    }

    /// The 1-based line of byte `offset` in `bytes` (counting LF, and CR not followed by LF).
    public static func line(ofOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        var index = 0
        while index < min(offset, bytes.count) {
            if bytes[index] == 0x0A { line += 1 }
            else if bytes[index] == 0x0D && (index + 1 >= bytes.count || bytes[index + 1] != 0x0A) { line += 1 }
            index += 1
        }
        return line
    }
}

/// Converts a stream of bytes in one encoding to another (UTF-8 unless told otherwise) chunk by
/// chunk through iconv, keeping a sequence cut between chunks for the next call.
public final class Transcoder {
    /// The encoding of the input.
    public let encoding: TextEncoding
    /// The encoding of the output.
    public let target: TextEncoding
    private let handle: iconv_t
    private var pending: [UInt8] = []
    /// Bytes consumed so far, for error offsets.
    public private(set) var consumed = 0
    /// The offset (from the first byte converted) of the byte that made `convert` throw.
    public private(set) var failureOffset: Int?

    public init(from encoding: TextEncoding, to target: TextEncoding = .utf8) throws {
        self.encoding = encoding
        self.target = target
        let opened = iconv_open(target.rawValue, encoding.rawValue)
        guard let handle = opened, Int(bitPattern: handle) != -1 else {
            throw FormatError("cannot convert from \(encoding.rawValue) to \(target.rawValue): iconv has no converter")
        }
        self.handle = handle
    }

    deinit { iconv_close(handle) }

    /// The converted bytes for `chunk`. With `isFinal`, an incomplete sequence at the end is an error.
    /// Throws a `FormatError` whose place is the byte offset of the first bad byte.
    public func convert(_ chunk: [UInt8], isFinal: Bool) throws -> [UInt8] {
        var input = pending
        input.append(contentsOf: chunk)
        pending.removeAll()
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var produced = 0
        var inputOffset = 0
        while inputOffset < input.count {
            let (result, read, written, error) = input.withUnsafeMutableBufferPointer { inBuffer -> (Int, Int, Int, Int32) in
                output.withUnsafeMutableBufferPointer { outBuffer -> (Int, Int, Int, Int32) in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress! + inputOffset)
                        .assumingMemoryBound(to: CChar.self)
                    var inLeft = inBuffer.count - inputOffset
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress! + produced)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count - produced
                    let startIn = inLeft
                    let startOut = outLeft
                    let result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    let error = result == -1 ? errno : 0
                    return (result, startIn - inLeft, startOut - outLeft, error)
                }
            }
            inputOffset += read
            produced += written
            if result != -1 { break }
            switch error {
            case E2BIG:
                output.append(contentsOf: repeatElement(0, count: output.count))
            case EINVAL:  // an incomplete sequence at the end
                if isFinal {
                    failureOffset = consumed + inputOffset
                    throw FormatError(place: "byte \(consumed + inputOffset)", "incomplete \(encoding.rawValue) sequence at the end of the input")
                }
                pending = Array(input[inputOffset...])
                inputOffset = input.count
            default:  // EILSEQ
                let problem = target == .utf8 ? "bytes that are neither UTF-8 nor \(encoding.rawValue)"
                    : "text that \(target.rawValue) cannot encode"
                failureOffset = consumed + inputOffset
                throw FormatError(place: "byte \(consumed + inputOffset)", problem)
            }
        }
        consumed += input.count - pending.count
        output.removeSubrange(produced...)
        return output
    }
}
