import Foundation
import TableModel

/// A parsed command line.
public struct Invocation: Sendable {
    public enum Command: Sendable, Equatable {
        case convert, list, check, help, version
    }

    public var command: Command
    public var input: String = ""
    public var output: String?
    public var options = ConversionOptions()
    /// For `check`: how far a stated total may differ from its sum (`--tolerance`, default 0).
    public var tolerance: ExactDecimal?
    /// For `list`: show the columns found in space-aligned text (`--layout`).
    public var showsLayout = false

    /// Parses the arguments after the program name. Throws `UsageError` with what to fix.
    public static func parse(_ arguments: [String]) throws -> Invocation {
        var invocation = Invocation(command: .convert)
        var positional: [String] = []
        var index = 0
        var remaining = arguments[...]
        if let first = remaining.first, first == "list" || first == "check" {
            invocation.command = first == "list" ? .list : .check
            remaining = remaining.dropFirst()
        }
        let items = Array(remaining)

        func value(for option: String, inline: String?) throws -> String {
            if let inline { return inline }
            index += 1
            guard index < items.count else { throw UsageError("\(option) needs a value") }
            return items[index]
        }

        func integer(_ text: String, for option: String, minimum: Int) throws -> Int {
            guard let number = Int(text), number >= minimum else {
                throw UsageError("\(option) takes a whole number of at least \(minimum), not '\(text)'")
            }
            return number
        }

        while index < items.count {
            let argument = items[index]
            var name = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            switch name {
            case "-h", "--help":
                return Invocation(command: .help)
            case "--version":
                return Invocation(command: .version)
            case "-o", "--output":
                invocation.output = try value(for: name, inline: inline)
            case "--from", "--to":
                let text = try value(for: name, inline: inline)
                guard let format = Format.named(text) else {
                    throw UsageError("unknown format '\(text)' for \(name); formats: text, pdf, csv, tsv, json, jsonl, xlsx, md")
                }
                if name == "--from" { invocation.options.from = format } else { invocation.options.to = format }
            case "--table":
                invocation.options.tables.append(try value(for: name, inline: inline))
            case "--sheet":
                invocation.options.sheet = try value(for: name, inline: inline)
            case "--header-rows":
                invocation.options.headerRows = try integer(try value(for: name, inline: inline), for: name, minimum: 0)
            case "--no-repair":
                invocation.options.repair = false
            case "--raw-text":
                invocation.options.rawText = true
            case "--split-codes":
                invocation.options.splitCodes = true
            case "--unit":
                invocation.options.unit = try value(for: name, inline: inline)
            case "--fill-down":
                invocation.options.fillDown = true
            case "--parens":
                let text = try value(for: name, inline: inline)
                guard text == "text" || text == "negative" else {
                    throw UsageError("--parens takes 'text' or 'negative', not '\(text)'")
                }
                invocation.options.parenthesesAsText = text == "text"
            case "--delimiter":
                let text = try value(for: name, inline: inline)
                let unescaped = text == "\\t" || text == "tab" ? "\t" : text
                guard unescaped.utf8.count == 1, let byte = unescaped.utf8.first,
                      byte != 0x22, byte != 0x0A, byte != 0x0D else {
                    throw UsageError("--delimiter takes one ASCII character other than a quote or newline, not '\(text)'")
                }
                invocation.options.delimiter = byte
            case "--bom":
                invocation.options.byteOrderMark = true
            case "--encoding":
                let text = try value(for: name, inline: inline).lowercased()
                switch text {
                case "utf-8", "utf8": invocation.options.csvEncoding = .utf8
                case "gb18030", "gbk", "gb2312": invocation.options.csvEncoding = .gb18030
                default: throw UsageError("--encoding takes utf-8 or gb18030, not '\(text)'")
                }
            case "--keep-number-format":
                invocation.options.keepNumberFormat = true
            case "--json-numbers":
                let text = try value(for: name, inline: inline)
                guard text == "string" || text == "number" else {
                    throw UsageError("--json-numbers takes 'string' or 'number', not '\(text)'")
                }
                invocation.options.jsonNumbersAsStrings = text == "string"
            case "--xlsx-numbers":
                let text = try value(for: name, inline: inline)
                guard text == "always" || text == "exact" else {
                    throw UsageError("--xlsx-numbers takes 'always' or 'exact', not '\(text)'")
                }
                invocation.options.xlsxNumbersAlways = text == "always"
            case "--tolerance":
                let text = try value(for: name, inline: inline)
                guard let tolerance = ExactDecimal(text, options: .plain), !tolerance.isNegative else {
                    throw UsageError("--tolerance takes a decimal of at least 0, such as 0.01, not '\(text)'")
                }
                invocation.tolerance = tolerance
            case "--columns":
                invocation.options.columnStarts = try columnStarts(try value(for: name, inline: inline))
            case "--layout":
                invocation.showsLayout = true
            case "-q", "--quiet":
                invocation.options.quiet = true
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    throw UsageError("unknown option '\(argument)'")
                }
                positional.append(argument)
            }
            index += 1
        }
        guard let input = positional.first else { throw UsageError("no input file given") }
        guard positional.count == 1 else {
            throw UsageError("one input at a time; unexpected '\(positional[1])' (the output goes after -o)")
        }
        invocation.input = input
        return invocation
    }

    /// `12,30,44`: ascending character positions where columns start.
    static func columnStarts(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var starts: [Int] = []
        for part in parts {
            guard let start = Int(part), start >= 0, start > (starts.last ?? -1) else {
                throw UsageError("--columns takes ascending character positions such as 12,30,44, not '\(text)'")
            }
            starts.append(start)
        }
        return starts
    }
}
