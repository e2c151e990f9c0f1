import Crypto
import Foundation
import Logging
import PredictionSinks

/// The whole `classify` job as one value: sources in, one committed row per input out.
///
/// ```swift
/// var config = BatchJob.Configuration(sources: ["photos/"], output: "predictions.parquet")
/// config.classifier.model = "efficientnet_lite0"
/// let summary = try BatchJob(config).run()
/// ```
public final class BatchJob {
    public struct Configuration: Sendable {
        public var sources: [String]
        public var output: String
        public var format: OutputFormat?
        public var classifier = ClassifierConfiguration()
        public var decode = DecodeOptions()
        public var sink = SinkOptions()
        public var topK = 5
        public var decodeWorkers = ProcessInfo.processInfo.activeProcessorCount
        public var rowsPerFile = 10_000
        public var shard: Shard?
        public var limit: Int?
        public var resume = false
        public var overwrite = false
        /// An S3-compatible endpoint (`--s3-endpoint`); default `AWS_ENDPOINT_URL`, else AWS.
        public var s3Endpoint: String?
        /// Stop (cleanly, with what is done committed) once more than this many inputs failed.
        public var maxErrors: Int?

        public init(sources: [String], output: String) {
            self.sources = sources
            self.output = output
        }
    }

    public let configuration: Configuration
    /// This job's inputs (after sorting, `--limit` and `--shard`), in output order.
    public let locations: [String]
    public let classifier: Classifier
    public let listSeconds: Double
    /// The S3 client, when any source is in S3.
    let s3: S3Inputs?

    public init(_ configuration: Configuration) throws {
        self.configuration = configuration
        let start = Date()
        s3 = try S3Inputs.forSources(InputListing.expandLists(configuration.sources).map(\.0), endpoint: configuration.s3Endpoint)
        var all = try s3?.expand(configuration.sources) ?? InputListing.expand(configuration.sources)
        if let limit = configuration.limit { all = Array(all.prefix(limit)) }
        locations = configuration.shard.map { Array($0.select(all)) } ?? all
        listSeconds = Date().timeIntervalSince(start)
        let shard = configuration.shard.map { " (shard \($0.index)/\($0.count) of \(all.count))" } ?? ""
        Self.logger.info("listed \(locations.count) inputs\(shard) in \(String(format: "%.2f", listSeconds)) s")
        classifier = try Classifier(configuration.classifier)
        Self.logger.info(
            "model \(classifier.entry.name) loaded in \(String(format: "%.2f", classifier.loadSeconds)) s",
            metadata: ["weights": "\(classifier.weightsFile?.path ?? "random (seeded)")"])
    }

    /// The job's own log lines: listing, model load, resume, each failed input (debug), early stops.
    static let logger = Logger(label: "batchvision.job")

    /// The output format: `--format`, else the output's extension.
    public var format: OutputFormat {
        get throws {
            if let format = configuration.format { return format }
            // A folder of parts is Parquet unless --format says otherwise.
            if case .directory = OutputTarget(path: configuration.output) { return .parquet }
            guard let format = OutputFormat(path: configuration.output) else { throw BatchJobError.unknownFormat(configuration.output) }
            return format
        }
    }

    /// Runs the job; `progress` is called after each batch with (rows done, rows failed) in this run.
    ///
    /// With a `report` collector, decode workers also make its thumbnails and every row is offered to it.
    public func run(
        fetcher: (any ByteFetcher)? = nil, report: HTMLReport.Collector? = nil,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> JobSummary {
        let start = Date()
        var settings = OutputSettings(format: try format, sink: sinkOptions())
        settings.rowsPerFile = configuration.rowsPerFile
        settings.shard = configuration.shard
        settings.resume = configuration.resume
        settings.overwrite = configuration.overwrite
        settings.fingerprint = fingerprint()
        let committer = try OutputCommitter(target: OutputTarget(path: configuration.output), settings: settings)

        var summary = JobSummary()
        summary.inputs = locations.count
        summary.resumed = min(committer.committedRows, locations.count)
        if summary.resumed > 0 { Self.logger.info("resuming: \(summary.resumed) rows already committed, \(locations.count - summary.resumed) to go") }
        let job = ClassificationJob(locations: locations, classifier: classifier, decoder: ImageDecoder(options: configuration.decode),
            fetcher: fetcher ?? s3?.fetcher() ?? LocalFileFetcher())
        job.topK = configuration.topK
        job.includeLogits = configuration.sink.includeLogits
        job.decodeWorkers = configuration.decodeWorkers
        if let report { job.onDecoded = { report.observe(index: $0, image: $1) } }
        do {
            summary.stages = try job.run(from: summary.resumed) { rows in
                try committer.append(rows)
                report?.record(rows)
                let failed = rows.filter { $0.error != nil }.count
                for row in rows where row.error != nil { Self.logger.debug("\(row.path): \(row.error ?? "")") }
                summary.failed += failed
                summary.succeeded += rows.count - failed
                progress(summary.succeeded + summary.failed, summary.failed)
                if let max = configuration.maxErrors, summary.failed > max { throw StopEarly.tooManyErrors(max) }
            }
        } catch let stop as StopEarly {
            summary.stoppedEarly = stop.message
            Self.logger.warning("\(stop.message)")
        }
        let t0 = Date()
        summary.outputs = try committer.finish().map(\.path)
        summary.stages.write += Date().timeIntervalSince(t0)
        summary.stages.list = listSeconds
        summary.wallSeconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Sink options with the model's identity in the file metadata.
    private func sinkOptions() -> SinkOptions {
        var options = configuration.sink
        let p = classifier.preset
        options.metadata += [
            ("batchvision.version", batchVisionVersion),
            ("batchvision.model", classifier.entry.name),
            ("batchvision.weights", classifier.weightsFile?.path ?? "random"),
            ("batchvision.weights_sha256", classifier.weightsFile?.sha256 ?? ""),
            ("batchvision.preprocessing", "resize \(p.resizeSize) crop \(p.cropSize) mean \(p.mean) std \(p.std)"),
            ("batchvision.precision", configuration.classifier.precision.rawValue),
        ]
        return options
    }

    /// What a resumed run must agree on with the run it continues.
    private func fingerprint() -> String {
        var hasher = SHA256()
        for location in locations { hasher.update(data: Data((location + "\n").utf8)) }
        let p = classifier.preset
        let settings = "\(classifier.entry.name)|\(classifier.weightsFile?.sha256 ?? "random")|\(p)|\(configuration.topK)|"
            + "\(configuration.sink.includeLogits)|\(configuration.classifier.precision)|\(configuration.rowsPerFile)|\(String(describing: configuration.shard))"
        hasher.update(data: Data(settings.utf8))
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Why a job stopped before the end, by design.
enum StopEarly: Error {
    case tooManyErrors(Int)
    var message: String {
        switch self {
        case .tooManyErrors(let n): "more than \(n) inputs failed (--max-errors)"
        }
    }
}

public enum BatchJobError: UserFacingError {
    case unknownFormat(String)
    public var message: String {
        switch self {
        case .unknownFormat(let path): "cannot tell the output format of \(path)"
        }
    }
    public var hint: String? { "name the file .parquet, .csv or .jsonl, or pass --format" }
}
