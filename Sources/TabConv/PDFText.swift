import Foundation
import TableModel
import TextTables

// PDF input: poppler's `pdftotext -bbox-layout` gives every word of every page with its box in
// points (XHTML: page → flow → block → line → word). The words are parsed as they stream out of
// the child process (TextTables.WordBoxReader) and set on a character grid (WordBoxLayout),
// which TextTables then reads as layout text. Word boxes rather than `pdftotext -layout`: the
// exact x extents keep a column break that -layout prints as one space a break, and place an
// amount that -layout shifts after a dot leader where it is printed. Documents mostly of
// ideographs are read from `pdftotext -layout` instead (the layout reader's handling of wide
// characters is made for its grid). pdftotext's absence is a FormatError naming the package.

enum PDFText {
    /// The package that provides `pdftotext`, for the error when it is missing.
    static let package = "poppler-utils"

    /// The PDF at `path` as layout text (rows of words at character positions, form feeds
    /// between pages), reading at most `limit` bytes of pdftotext's output.
    static func layoutText(path: String, limit: Int) throws -> [UInt8] {
        let reader = WordBoxReader()
        try runPdftotext(["-bbox-layout", "-enc", "UTF-8", path, "-"], path: path, limit: limit) { chunk in
            do {
                try chunk.withUnsafeBytes { try reader.read($0) }
            } catch let error as FormatError {
                throw error.inFile(path)
            }
        }
        let pages: [PDFPage]
        do {
            pages = try reader.finishPages()
        } catch let error as FormatError {
            throw error.inFile(path)
        }
        guard WordBoxLayout.isMostlyIdeographic(pages) else { return Array(WordBoxLayout.layoutText(pages).utf8) }
        // Chinese and Japanese documents: pdftotext's own grid (see isMostlyIdeographic).
        var text: [UInt8] = []
        try runPdftotext(["-layout", "-enc", "UTF-8", "-eol", "unix", path, "-"], path: path, limit: limit) { text.append(contentsOf: $0) }
        return text
    }

    /// Runs pdftotext with `arguments`, handing its standard output to `consume` chunk by chunk.
    private static func runPdftotext(_ arguments: [String], path: String, limit: Int,
                                     consume: (Data) throws -> Void) throws {
        guard path != "-" else { throw UsageError("PDF cannot be read from standard input: give a file") }
        guard let executable = findExecutable("pdftotext") else {
            throw FormatError(file: path, "reading a PDF needs pdftotext, which is not installed: install \(package) (apt-get install -y \(package))")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw FormatError(file: path, "cannot run \(executable): \(error.localizedDescription)")
        }
        // Standard error is drained on another thread so that neither pipe can fill and block.
        let errorText = ErrorCollector()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errorText.data = errors.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        var total = 0
        var failure: Error?
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            total += chunk.count
            if total > limit {
                failure = FormatError(file: path, "the PDF's text is larger than \(limit >> 20) MiB")
                break
            }
            do {
                try consume(chunk)
            } catch {
                failure = error
                break
            }
        }
        if failure != nil && process.isRunning { process.terminate() }
        process.waitUntilExit()
        drained.wait()
        if let failure { throw failure }
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorText.data, as: UTF8.self)
                .split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw FormatError(file: path, "pdftotext could not read the PDF: \(message)")
        }
    }

    /// The path of an executable found on PATH, or `nil`.
    static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private final class ErrorCollector: @unchecked Sendable {
        var data = Data()
    }
}
