import ArgumentParser
import Foundation
import Logging

/// `--log-level`: how much of the library's log (swift-log) reaches stderr.
struct LoggingOptionGroup: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Log detail on stderr: error, warning, notice, info or debug (debug adds every failed input and the kernel oneDNN picked for every layer). Default: $BATCHVISION_LOG_LEVEL, else the command's own.",
            valueName: "level"))
    var logLevel: Logger.Level?

    /// Sends every logger to stderr at `--log-level`, else `$BATCHVISION_LOG_LEVEL`, else `fallback`.
    func bootstrap(fallback: Logger.Level) {
        let environment = ProcessInfo.processInfo.environment["BATCHVISION_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0.lowercased()) }
        let level = logLevel ?? environment ?? fallback
        let terminal = isatty(STDERR_FILENO) == 1
        LoggingSystem.bootstrap { label in StderrLogHandler(label: label, level: level, terminal: terminal) }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// One line per message: `warning: onednn: ...` on a terminal (clearing a progress bar first),
/// with a UTC timestamp in front when stderr is a file or pipe, as long jobs' logs want.
struct StderrLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let terminal: Bool

    init(label: String, level: Logger.Level, terminal: Bool) {
        self.label = label
        self.logLevel = level
        self.terminal = terminal
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let subsystem = label.hasPrefix("batchvision.") ? String(label.dropFirst("batchvision.".count)) : label
        let fields = metadata.merging(event.metadata ?? [:]) { $1 }.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }
        let severity = event.level >= .warning || event.level <= .debug ? "\(event.level): " : ""
        let prefix = terminal ? "\r\u{1B}[K" : Self.timestamp() + " "
        FileHandle.standardError.write(Data("\(prefix)\(severity)\(subsystem): \(event.message)\(fields.joined())\n".utf8))
    }

    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour,
            parts.tm_min, parts.tm_sec)
    }
}
