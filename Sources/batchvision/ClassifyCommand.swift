import ArgumentParser
import BatchVision
import Foundation
import Logging

/// `batchvision classify`: the whole batch job, from folders, lists or S3 to Parquet/CSV/JSONL.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Classify a collection of images into Parquet, CSV or JSONL: one row per input, errors included.",
        discussion: """
            Sources are files, folders (recursive), @list.txt files (one path per line), and S3 prefixes
            (s3://bucket/prefix signed with your AWS credentials, s3://anonymous@bucket/prefix unsigned).
            Inputs are sorted by path; --limit and --shard apply to that order.

            Examples:
              batchvision classify photos/ --model efficientnet_lite0 --output predictions.parquet
              batchvision classify s3://anonymous@air-example-data-2/imagenette2/train/ --output out/ --report report.html
              batchvision classify photos/ --output out/ --shard auto/8      # Kubernetes Indexed Job / Slurm array

            Output columns: path, label, class_index, confidence, top_k_labels, top_k_indices, top_k_probs, error
            (null on success), and with --emit logits, logits. A path ending in / is a folder of part files.
            Parts are committed atomically; after a crash or kill, rerun with --resume to finish the job.
            Exit status: 0 every input succeeded, 2 some inputs failed (each has a row with its error), 1 fatal.
            """
    )

    @Argument(help: "Image files, folders, @list.txt files and s3:// prefixes.")
    var sources: [String]

    @Option(help: "Output file (.parquet, .csv, .jsonl) or folder ending in / for part files.")
    var output: String

    @Option(help: "Output format when the extension does not say: parquet, csv or jsonl.")
    var format: OutputFormat?

    @OptionGroup var model: ModelOptionGroup

    @Option(name: .customLong("top-k"), help: "How many of the most likely classes to record per image.")
    var topK = 5

    @Option(help: ArgumentHelp("Extra columns: 'logits' adds the raw logits.", valueName: "logits"))
    var emit: [String] = []

    @Option(help: "Threads that read, decode and preprocess images while the model runs.")
    var decodeWorkers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Rows per part file (folder output) or per committed part (file output).")
    var rowsPerFile = 10_000

    @Option(help: "Rows per Parquet row group.")
    var rowGroupSize = 10_000

    @Option(help: "Parquet compression: zstd, snappy or none.")
    var compression: ParquetCompression = .zstd

    @Option(help: ArgumentHelp("Process only shard i of n (contiguous slices of the sorted inputs); auto/n reads i from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID.", valueName: "i/n"))
    var shard: String?

    @Option(help: "Classify only the first N inputs (after sorting).")
    var limit: Int?

    @Option(help: "S3-compatible endpoint for s3:// sources (path-style addressing), e.g. http://127.0.0.1:9000. Default: $AWS_ENDPOINT_URL, else AWS.")
    var s3Endpoint: String?

    @Flag(help: "Continue an interrupted job with the same inputs and options, skipping committed rows.")
    var resume = false

    @Flag(help: "Replace an existing output instead of refusing.")
    var overwrite = false

    @Option(help: "Stop cleanly once more than N inputs have failed.")
    var maxErrors: Int?

    @Option(help: "Write an HTML page with thumbnails, top-k labels and failures.")
    var report: String?

    @Option(help: "Rows the --report shows with thumbnails (the first N, in input order); failures are listed too, up to 1000.")
    var reportLimit = 200

    @Option(help: "Write the end summary as JSON to this file.")
    var summaryJson: String?

    @Flag(help: "No progress bar or log lines, only the summary.")
    var quiet = false

    @OptionGroup var preprocessing: PreprocessOptionGroup
    @OptionGroup var decoding: DecodeOptionGroup
    @OptionGroup var logging: LoggingOptionGroup

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
        guard emit.allSatisfy({ $0 == "logits" }) else { throw ValidationError("--emit takes 'logits'") }
        guard rowsPerFile >= 1, rowGroupSize >= 1, decodeWorkers >= 1 else {
            throw ValidationError("--rows-per-file, --row-group-size and --decode-workers must be at least 1")
        }
        guard reportLimit >= 0 else { throw ValidationError("--report-limit must be 0 or more") }
        guard !(resume && overwrite) else { throw ValidationError("pass either --resume or --overwrite, not both") }
    }

    func run() throws {
        logging.bootstrap(fallback: quiet ? .warning : .info)
        var config = BatchJob.Configuration(sources: sources, output: output)
        config.format = format
        config.classifier = try model.configuration(preset: nil).withPreset(preprocessing)
        let modelPreset = ModelCatalog.entry(named: model.model)?.preset ?? .imagenet
        config.decode = decoding.decoder(resizeSize: try preprocessing.preset(base: modelPreset).resizeSize).options
        config.sink.includeLogits = emit.contains("logits")
        config.sink.compression = compression
        config.sink.rowGroupSize = rowGroupSize
        config.topK = topK
        config.decodeWorkers = decodeWorkers
        config.rowsPerFile = rowsPerFile
        config.shard = try shard.map { try Shard(parsing: $0, environment: ProcessInfo.processInfo.environment) }
        config.limit = limit
        config.resume = resume
        config.overwrite = overwrite
        config.maxErrors = maxErrors
        config.s3Endpoint = s3Endpoint

        let job = try BatchJob(config)
        if decoding.fastDecode {
            Logger(label: "batchvision.decode").notice("--fast-decode trades pixel-exactness for speed")
        }
        let progress = ProgressReporter(total: job.locations.count, quiet: quiet)
        let collector = report.map { _ in HTMLReport.Collector(limits: HTMLReport.Limits(thumbnails: reportLimit)) }
        let summary = try job.run(report: collector) { done, failed in progress.update(done: done, failed: failed) }
        progress.finish()
        summary.lines.forEach { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        if let report, let collector {
            try HTMLReport(job: job, summary: summary, collector: collector).write(to: report)
            FileHandle.standardError.write(Data("report: \(report)\n".utf8))
        }
        if let summaryJson {
            let data = try JSONSerialization.data(withJSONObject: summary.json, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: summaryJson))
        }
        if summary.failed > 0 || summary.stoppedEarly != nil { throw ExitCode(2) }
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension ParquetCompression: ExpressibleByArgument {}
