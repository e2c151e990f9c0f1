import ArgumentParser
import BatchVision

/// Where `classify` writes, in which format, and how it commits.
struct OutputOptionGroup: ParsableArguments {
    @Option(help: "Output file (.parquet, .csv, .jsonl), or a folder ending in / for part files.")
    var output: String

    @Option(help: "Output format when the extension does not say: parquet, csv or jsonl.")
    var format: OutputFormat?

    @Option(help: "Rows per part file (folder output) or per committed part (file output).")
    var rowsPerFile = 10_000

    @Option(help: "Rows per Parquet row group (a group is also cut at about 64 MiB, for wide rows).")
    var rowGroupSize = 10_000

    @Option(help: "Parquet compression: zstd, snappy or none.")
    var compression: ParquetCompression = .zstd

    @Flag(help: "Continue an interrupted job with the same inputs and options, skipping committed rows.")
    var resume = false

    @Flag(help: "Replace an existing output instead of refusing.")
    var overwrite = false

    func validate() throws {
        guard rowsPerFile >= 1, rowGroupSize >= 1 else { throw ValidationError("--rows-per-file and --row-group-size must be at least 1") }
        guard !(resume && overwrite) else { throw ValidationError("pass either --resume or --overwrite, not both") }
    }

    /// The output configuration these options describe.
    var configuration: OutputConfiguration {
        var c = OutputConfiguration(path: output)
        c.format = format
        c.compression = compression
        c.rowGroupSize = rowGroupSize
        c.rowsPerFile = rowsPerFile
        c.resume = resume
        c.overwrite = overwrite
        return c
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension ParquetCompression: ExpressibleByArgument {}
