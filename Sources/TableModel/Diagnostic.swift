/// A message a reader, writer or check has for the user, with where it applies.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable {
        case error, warning, note
    }

    public var severity: Severity
    /// The 1-based source line, when the place is a line.
    public var line: Int?
    /// Another kind of place: `Sheet1!B7`, a ZIP entry name.
    public var place: String?
    public var message: String

    public init(_ severity: Severity, line: Int? = nil, place: String? = nil, _ message: String) {
        self.severity = severity
        self.line = line
        self.place = place
        self.message = message
    }

    /// `LINE: warning: message` (or `PLACE: …`), without the file.
    public var description: String { rendered(file: nil) }

    /// `FILE:LINE: warning: message`, as compilers print it.
    public func rendered(file: String?) -> String {
        var location = file ?? ""
        if let line { location += location.isEmpty ? "\(line)" : ":\(line)" }
        if let place { location += location.isEmpty ? place : ": \(place)" }
        return (location.isEmpty ? "" : location + ": ") + "\(severity.rawValue): \(message)"
    }
}

/// An input or output that cannot be read or written, with the place that says why.
///
/// Every reader and writer throws this type (or wraps what it catches in it), so that the
/// command line prints one shape: `tabconv: FILE:LINE: error: message`.
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file, when known where the error is made; the caller fills it in otherwise.
    public var file: String?
    public var line: Int?
    /// `Sheet1!B7`, `xl/worksheets/sheet1.xml`, `byte 1234`.
    public var place: String?
    public var message: String

    public init(file: String? = nil, line: Int? = nil, place: String? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.place = place
        self.message = message
    }

    /// The same error with `file` set when it had none.
    public func inFile(_ name: String) -> FormatError {
        var copy = self
        if copy.file == nil { copy.file = name }
        return copy
    }

    public var description: String {
        Diagnostic(.error, line: line, place: place, message).rendered(file: file)
    }
}
