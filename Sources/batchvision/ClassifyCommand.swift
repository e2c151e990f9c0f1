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
            Sources are files, folders (recursive), @list.txt files (one path per line), and S3 prefixes (s3://bucket/prefix signed with your AWS credentials, s3://anonymous@bucket/prefix unsigned). Inputs are sorted by path; --limit and --shard apply to that order. Each model is preprocessed with its own torchvision preset unless --resize, --crop, --mean or --std say otherwise.

            Output columns: \(PredictionSchema.columns([]).map(\.name).joined(separator: ", ")) (null on success); --labels-from-dirs adds true_label and true_index, --emit logits adds logits, --emit embeddings adds embedding (the pooled features before the head; with --no-head, the prediction columns stay null). A path ending in / is a folder of part files. Parts are committed atomically; after a crash or kill, rerun with --resume to finish the job.

            Examples:
              batchvision classify photos/ --model efficientnet_lite0 --output out.parquet
              batchvision classify s3://anonymous@air-example-data-2/imagenette2/val/ \\
                  --labels-from-dirs --output val.parquet --report report.html
              batchvision classify photos/ --emit embeddings --no-head \\
                  --output features.parquet
              batchvision classify photos/ --output out/ --shard auto/8
                  (one shard of 8: a Kubernetes Indexed Job or a Slurm array)

            Exit status: 0 every input succeeded, 2 some inputs failed (each has a row with its error), 1 fatal.
            """
    )

    @OptionGroup var inputs: InputOptionGroup
    @OptionGroup var output: OutputOptionGroup
    @OptionGroup var model: ModelOptionGroup

    @Option(name: .customLong("top-k"), help: "How many of the most likely classes to record per image.")
    var topK = 5

    @Option(help: ArgumentHelp("Extra columns: logits (the raw logits), embeddings (the pooled features before the classifier head). Repeat or separate with commas.", valueName: "logits|embeddings"))
    var emit: [String] = []

    @Flag(help: "With --emit embeddings: skip the classifier head, for features alone.")
    var noHead = false

    @Option(help: "Threads that read, decode and preprocess images while the model runs.")
    var decodeWorkers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Stop cleanly once more than N inputs have failed.")
    var maxErrors: Int?

    @Option(help: "Write an HTML page with thumbnails, top-k labels, failures and (with --labels-from-dirs) accuracy.")
    var report: String?

    @Option(help: "Rows the --report shows with thumbnails (the first N in input order, and as many misclassified ones); failures are listed too, up to 1000.")
    var reportLimit = 200

    @Option(help: "Write the end summary as JSON to this file.")
    var summaryJson: String?

    @Flag(help: "No progress bar or log lines, only the summary.")
    var quiet = false

    @OptionGroup var decoding: DecodeOptionGroup
    @OptionGroup var logging: LoggingOptionGroup

    /// `--emit`'s values, commas split.
    private var emitted: Set<String> { Set(emit.flatMap { $0.split(separator: ",").map(String.init) }) }

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
        guard emitted.isSubset(of: ["logits", "embeddings"]) else { throw ValidationError("--emit takes logits or embeddings") }
        guard !noHead || emitted.contains("embeddings") else { throw ValidationError("--no-head needs --emit embeddings") }
        guard decodeWorkers >= 1 else { throw ValidationError("--decode-workers must be at least 1") }
        guard reportLimit >= 0 else { throw ValidationError("--report-limit must be 0 or more") }
    }

    func run() throws {
        logging.bootstrap(fallback: quiet ? .warning : .info)
        let job = try BatchJob(try configuration())
        if decoding.fastDecode {
            Logger(label: "batchvision.decode").notice("--fast-decode trades pixel-exactness for speed")
        }
        let progress = ProgressReporter(total: job.locations.count, quiet: quiet)
        let collector = report.map { _ in
            HTMLReport.Collector(limits: HTMLReport.Limits(thumbnails: reportLimit), labelled: inputs.labelsFromDirs)
        }
        let summary = try job.run(report: collector) { done, failed in progress.update(done: done, failed: failed) }
        progress.finish()
        summary.lines.forEach { FileHandle.standardError.write(Data("\($0)\n".utf8)) }
        if let report, let collector {
            try HTMLReport(job: job, summary: summary, collector: collector).write(to: report)
            FileHandle.standardError.write(Data("report: \(report)\n".utf8))
        }
        if let summaryJson {
            let data = try JSONSerialization.data(withJSONObject: summary.json, options: [.prettyPrinted, .sortedKeys])
            try AtomicFile.write([UInt8](data), to: summaryJson)
        }
        if summary.failed > 0 || summary.stoppedEarly != nil { throw ExitCode(2) }
    }

    /// The job's configuration, built once from the option groups.
    private func configuration() throws -> BatchJob.Configuration {
        var config = BatchJob.Configuration(inputs: try inputs.selection, output: output.configuration)
        config.classifier = try model.configuration
        config.classifier.embeddings = emitted.contains("embeddings")
        config.classifier.head = !noHead
        config.includeLogits = emitted.contains("logits")
        config.labelsFromDirs = inputs.labelsFromDirs
        config.decode = decoding.options
        config.fastDecode = decoding.fastDecode
        config.topK = topK
        config.decodeWorkers = decodeWorkers
        config.maxErrors = maxErrors
        return config
    }
}
