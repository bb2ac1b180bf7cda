import Foundation
import TableModel

// PDF input: poppler's `pdftotext -layout` prints each page as space-aligned text (characters
// placed on a grid by their x positions, form feeds between pages), which TextTables reads as
// layout text. pdftotext runs as a child process; its absence is a FormatError naming the package.

enum PDFText {
    /// The package that provides `pdftotext`, for the error when it is missing.
    static let package = "poppler-utils"

    /// The layout text of the PDF at `path`, at most `limit` bytes.
    static func layoutText(path: String, limit: Int) throws -> [UInt8] {
        guard path != "-" else { throw UsageError("PDF cannot be read from standard input: give a file") }
        guard let executable = findExecutable("pdftotext") else {
            throw FormatError(file: path, "reading a PDF needs pdftotext, which is not installed: install \(package) (apt-get install -y \(package))")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-layout", "-enc", "UTF-8", "-eol", "unix", path, "-"]
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
        var bytes: [UInt8] = []
        var tooLarge = false
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            if bytes.count + chunk.count > limit {
                tooLarge = true
                process.terminate()
                break
            }
            bytes.append(contentsOf: chunk)
        }
        process.waitUntilExit()
        drained.wait()
        if tooLarge { throw FormatError(file: path, "the PDF's text is larger than \(limit >> 20) MiB") }
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorText.data, as: UTF8.self)
                .split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)"
            throw FormatError(file: path, "pdftotext could not read the PDF: \(message)")
        }
        return bytes
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
