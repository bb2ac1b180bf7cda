import TableModel

/// The one place that knows every format module: readers by input format, writers by output format.
enum FormatRegistry {
    static func openSource(path: String, format: Format, options: ConversionOptions) throws -> TableSource {
        throw UsageError("tabconv cannot read \(format.rawValue) yet")
    }

    static func makeWriter(_ format: Format, output: ByteSink, options: ConversionOptions) throws -> TableSink {
        throw UsageError("tabconv cannot write \(format.rawValue) yet")
    }
}
