import ArgumentParser
import BatchVision
import Foundation

/// `batchvision inspect`: count, formats, sizes and modes of a collection, and every file that fails.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Summarise image files and folders: count, formats, modes, sizes, and every undecodable file.",
        discussion: """
            Every file is decoded fully, so a corrupt body behind a good header is caught. Folders are read
            recursively and contribute files ending in .jpg .jpeg .png .webp .gif .bmp .tif .tiff (any case);
            files named explicitly are always inspected, whatever their name.

            Examples:
              batchvision inspect photos/
              batchvision inspect a.jpg b.png --json
            Exit status: 0 when every file decodes, 2 when some do not, 1 on a fatal error.
            """
    )

    @Argument(help: "Image files and folders.")
    var sources: [String]

    @OptionGroup var decoding: DecodeOptionGroup

    @Flag(help: "Print one JSON object instead of the text summary.")
    var json = false

    func run() throws {
        let paths = try InputListing.expand(sources)
        guard !paths.isEmpty else { throw InputError.emptySelection }
        let report = ImageInspector(decoder: ImageDecoder(options: decoding.options)).inspect(paths)
        print(json ? InspectionFormatter.json(report) : InspectionFormatter.text(report))
        if !report.failures.isEmpty { throw ExitCode(2) }
    }
}

/// Renders an ``InspectionReport`` for people or for scripts.
enum InspectionFormatter {
    static func text(_ report: InspectionReport) -> String {
        var lines = [
            "\(report.fileCount) files: \(report.images.count) decoded, \(report.failures.count) failed"
                + " (\(String(format: "%.2f", report.seconds)) s)"
        ]
        if !report.images.isEmpty {
            lines += [
                "schema:    image  uint8 [height, width, 3] (RGB)",
                "           path   string",
                "formats:   " + report.formatCounts.map { "\($0.0) \($0.1)" }.joined(separator: ", "),
                "modes:     " + report.modeCounts.map { "\($0.0) \($0.1)" }.joined(separator: ", "),
                "width:     " + spread(report.images.map { $0.info.width }),
                "height:    " + spread(report.images.map { $0.info.height }),
                "file size: " + spread(report.images.map { $0.fileBytes }, unit: bytes),
            ]
            let first = report.images[0]
            let m = first.meanRGB
            lines += [
                "first:     \(first.path)",
                "           \(first.info.width)x\(first.info.height) \(first.info.format.rawValue) \(first.info.mode), "
                    + "\(bytes(first.fileBytes)), mean RGB (\(String(format: "%.1f, %.1f, %.1f", m.0, m.1, m.2)))",
            ]
        }
        if !report.failures.isEmpty {
            lines.append("undecodable (\(report.failures.count)):")
            lines += report.failures.map { "  \($0.path): \($0.reason)" }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ report: InspectionReport) -> String {
        let object: [String: Any] = [
            "files": report.fileCount,
            "decoded": report.images.count,
            "failed": report.failures.count,
            "seconds": report.seconds,
            "formats": Dictionary(uniqueKeysWithValues: report.formatCounts),
            "modes": Dictionary(uniqueKeysWithValues: report.modeCounts),
            "images": report.images.map {
                [
                    "path": $0.path, "format": $0.info.format.rawValue, "mode": $0.info.mode,
                    "width": $0.info.width, "height": $0.info.height, "bytes": $0.fileBytes,
                ] as [String: Any]
            },
            "failures": report.failures.map { ["path": $0.path, "error": $0.reason] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// "min 100, median 500, max 4000".
    static func spread(_ values: [Int], unit: (Int) -> String = { "\($0)" }) -> String {
        let sorted = values.sorted()
        guard let low = sorted.first, let high = sorted.last else { return "-" }
        return "min \(unit(low)), median \(unit(sorted[sorted.count / 2])), max \(unit(high))"
    }

    static func bytes(_ count: Int) -> String {
        switch count {
        case ..<1024: "\(count) B"
        case ..<(1024 * 1024): String(format: "%.1f KB", Double(count) / 1024)
        default: String(format: "%.1f MB", Double(count) / 1_048_576)
        }
    }
}
