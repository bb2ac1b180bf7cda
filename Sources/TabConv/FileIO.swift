#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TableModel

/// Counts bytes read, safely from any thread (a streaming reader may read on its own thread),
/// for progress reports.
public final class ByteMeter: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var count = 0

    public init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    /// Bytes counted so far.
    public var bytes: Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return count
    }

    func add(_ bytes: Int) {
        pthread_mutex_lock(&lock)
        count += bytes
        pthread_mutex_unlock(&lock)
    }
}

/// Reads a file (or standard input for `-`) in blocks, counting the bytes for progress reports.
public final class FileByteSource: ByteSource {
    /// The name as given, for messages.
    public let name: String
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Counts the bytes read, when given.
    private let meter: ByteMeter?

    /// Opens `path` for reading; `-` is standard input.
    public init(path: String, meter: ByteMeter? = nil) throws {
        name = path
        self.meter = meter
        if path == "-" {
            descriptor = STDIN_FILENO
            ownsDescriptor = false
            return
        }
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw FormatError(file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw FormatError(file: path, "is a directory, not a file to read")
        }
        let opened = open(path, O_RDONLY | O_CLOEXEC)
        guard opened >= 0 else {
            throw FormatError(file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        descriptor = opened
        ownsDescriptor = true
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 {
                meter?.add(count)
                return count
            }
            if errno == EINTR { continue }
            throw FormatError(file: name, "cannot read: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads everything that is left (for inputs read whole, such as text documents), refusing
    /// more than `limit` bytes.
    public func readAll(limit: Int) throws -> [UInt8] {
        var result: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = try block.withUnsafeMutableBytes { try read(into: $0) }
            if count == 0 { return result }
            result.append(contentsOf: block[0..<count])
            if result.count > limit {
                throw FormatError(file: name, "larger than \(limit / (1 << 20)) MiB, the limit for a document read whole")
            }
        }
    }
}

/// Writes to a temporary file beside the destination and renames it into place on `commit()`,
/// so a failed conversion leaves no half file and never touches an existing output.
/// Standard output (`-`) is written directly.
public final class AtomicFileSink: ByteSink {
    /// The destination as given.
    public let path: String
    private let temporaryPath: String?
    private var descriptor: Int32
    private var finished = false

    /// Every temporary file not yet committed or discarded, removed on SIGINT.
    nonisolated(unsafe) static var pending = PendingFiles()

    public init(path: String) throws {
        self.path = path
        if path == "-" {
            descriptor = STDOUT_FILENO
            temporaryPath = nil
            return
        }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let templateText = (directory.isEmpty ? "/" : directory + "/") + ".\(base).tabconv-XXXXXX"
        var template = Array(templateText.utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard opened >= 0 else {
            throw FormatError(file: path, "cannot write: \(String(cString: strerror(errno)))")
        }
        descriptor = opened
        let temporary = String(cString: template)
        temporaryPath = temporary
        fchmod(opened, 0o644 & ~currentUmask())
        AtomicFileSink.pending.insert(temporary)
    }

    deinit { discard() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                let reason = errno == EPIPE ? "the reading end of the pipe was closed" : String(cString: strerror(errno))
                throw FormatError(file: path, "cannot write: \(reason)")
            }
            offset += count
        }
    }

    /// Closes the temporary file and renames it into place. A failed run leaves no half file;
    /// the data is not forced to disk first (no `fsync`: it doubled the time of a small
    /// conversion), so after a power cut the output may be missing, as with other tools.
    public func commit() throws {
        guard !finished else { return }
        finished = true
        guard let temporaryPath else { return }
        defer { AtomicFileSink.pending.remove(temporaryPath) }
        if close(descriptor) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw FormatError(file: path, "cannot write: \(reason)")
        }
        descriptor = -1
        if rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw FormatError(file: path, "cannot write: \(reason)")
        }
    }

    /// Removes the temporary file (a failed conversion).
    public func discard() {
        guard !finished else { return }
        finished = true
        guard let temporaryPath else { return }
        close(descriptor)
        unlink(temporaryPath)
        AtomicFileSink.pending.remove(temporaryPath)
    }

    private func currentUmask() -> mode_t {
        let mask = umask(0)
        umask(mask)
        return mask
    }
}

/// The temporary files of outputs in progress, kept as C strings so that a signal handler can
/// remove them without allocating.
struct PendingFiles {
    private(set) var paths: [UnsafeMutablePointer<CChar>] = []

    mutating func insert(_ path: String) { paths.append(strdup(path)) }

    mutating func remove(_ path: String) {
        if let index = paths.firstIndex(where: { String(cString: $0) == path }) {
            free(paths[index])
            paths.remove(at: index)
        }
    }
}

/// Installs the handlers a converter needs: a closed pipe and a file grown past the size limit
/// (`ulimit -f`) are errors to report, not a silent death (SIGPIPE and SIGXFSZ ignored, so
/// `write` fails with EPIPE or EFBIG), and an interrupt removes the outputs in progress and
/// exits 130.
public func installSignalHandlers() {
    signal(SIGPIPE, SIG_IGN)
    signal(SIGXFSZ, SIG_IGN)
    signal(SIGINT) { _ in
        for path in AtomicFileSink.pending.paths { unlink(path) }
        _exit(130)
    }
    signal(SIGTERM) { _ in
        for path in AtomicFileSink.pending.paths { unlink(path) }
        _exit(143)
    }
}

/// True when `first` and `second` name the same existing file.
func isSameFile(_ first: String, _ second: String) -> Bool {
    var a = stat()
    var b = stat()
    guard stat(first, &a) == 0, stat(second, &b) == 0 else { return false }
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino
}

/// True when `path` is an existing directory.
func isDirectory(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
}
