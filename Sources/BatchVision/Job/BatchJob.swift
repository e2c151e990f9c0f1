import Crypto
import Foundation
import Logging

/// The whole `classify` job as one value: sources in, one committed row per input out.
///
/// ```
///  InputSelection ─► locations ─► ImageStream (fetch, decode, preprocess, model) ─► rows ─► OutputCommitter
///                                                                    └─► FolderLabels, Accuracy, HTMLReport
/// ```
/// ```swift
/// var config = BatchJob.Configuration(sources: ["photos/"], output: "predictions.parquet")
/// config.classifier.model = "efficientnet_lite0"
/// let summary = try BatchJob(config).run()
/// ```
public final class BatchJob {
    public struct Configuration: Sendable {
        public var inputs: InputSelection
        public var classifier = ClassifierConfiguration()
        public var decode = DecodeOptions()
        /// Decode large JPEGs at a reduced DCT scale (faster, not pixel-exact).
        public var fastDecode = false
        public var output: OutputConfiguration
        public var topK = 5
        /// Write each row's logits (`--emit logits`); embeddings follow ``ClassifierConfiguration/embeddings``.
        public var includeLogits = false
        /// Each input's parent folder names its true class (`--labels-from-dirs`).
        public var labelsFromDirs = false
        public var decodeWorkers = ProcessInfo.processInfo.activeProcessorCount
        /// Stop (cleanly, with what is done committed) once more than this many inputs failed.
        public var maxErrors: Int?

        public init(inputs: InputSelection, output: OutputConfiguration) {
            self.inputs = inputs
            self.output = output
        }

        public init(sources: [String], output: String) {
            self.init(inputs: InputSelection(sources: sources), output: OutputConfiguration(path: output))
        }

        /// The optional columns these options add.
        public var extras: ExtraColumns {
            var extras: ExtraColumns = []
            if includeLogits { extras.insert(.logits) }
            if classifier.embeddings { extras.insert(.embeddings) }
            if labelsFromDirs { extras.insert(.trueLabels) }
            return extras
        }
    }

    public let configuration: Configuration
    /// This job's inputs (after sorting, `--limit` and `--shard`), in output order.
    public let locations: [String]
    public let classifier: Classifier
    public let listSeconds: Double
    /// The true class of each input's folder, with `--labels-from-dirs`.
    public let folderLabels: FolderLabels?
    /// The S3 client, when any source is in S3.
    let s3: S3Inputs?
    private let format: OutputFormat

    /// Lists the inputs, checks the output can be written, then loads the model, in that order, so
    /// that a wrong path fails in a second rather than after the model loads.
    public init(_ configuration: Configuration) throws {
        self.configuration = configuration
        let start = Date()
        let listed = try configuration.inputs.list()
        (locations, s3) = (listed.locations, listed.s3)
        listSeconds = Date().timeIntervalSince(start)
        let shard = configuration.inputs.shard.map { " (shard \($0.index)/\($0.count) of \(listed.total))" } ?? ""
        Self.logger.info("listed \(locations.count) inputs\(shard) in \(String(format: "%.2f", listSeconds)) s")
        format = try configuration.output.resolvedFormat()
        try OutputCommitter.preflight(target: configuration.output.target, settings: Self.settings(configuration, format))
        classifier = try Classifier(configuration.classifier)
        folderLabels = configuration.labelsFromDirs
            ? FolderLabels(
                classNames: classifier.labels,
                wordNetIDs: classifier.labels == classifier.entry.classNames ? classifier.entry.wordNetIDs : nil) : nil
        Self.logger.info(
            "model \(classifier.entry.name) loaded in \(String(format: "%.2f", classifier.loadSeconds)) s",
            metadata: ["weights": "\(classifier.weightsFile?.path ?? "random (seeded)")"])
    }

    /// The job's own log lines: listing, model load, resume, each failed input (debug), early stops.
    static let logger = Logger(label: "batchvision.job")

    /// Runs the job; `progress` is called after each batch with (rows done, rows failed) in this run.
    ///
    /// With a `report` collector, decode workers also make its thumbnails and every row is offered to it.
    public func run(
        fetcher: (any ByteFetcher)? = nil, report: HTMLReport.Collector? = nil,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> JobSummary {
        let start = Date()
        var settings = Self.settings(configuration, format)
        settings.sink.metadata = metadata()
        settings.fingerprint = fingerprint()
        let committer = try OutputCommitter(target: configuration.output.target, settings: settings)

        var summary = JobSummary()
        summary.inputs = locations.count
        summary.model = "\(classifier.entry.name) \(classifier.precision.rawValue), \(classifier.engine)"
        summary.layerPrecisions = classifier.layerPrecisions
        summary.hint = classifier.fasterPrecisionHint
        summary.resumed = min(committer.committedRows, locations.count)
        if summary.resumed > 0 { Self.logger.info("resuming: \(summary.resumed) rows already committed, \(locations.count - summary.resumed) to go") }
        let stream = ImageStream(
            locations: locations, classifier: classifier,
            decoder: classifier.decoder(configuration.decode, fastDecode: configuration.fastDecode),
            fetcher: fetcher ?? s3?.fetcher() ?? LocalFileFetcher())
        stream.topK = configuration.topK
        stream.includeLogits = configuration.includeLogits
        stream.decodeWorkers = configuration.decodeWorkers
        if let report { stream.onDecoded = { report.observe(index: $0, image: $1) } }
        var accuracy = Accuracy()
        do {
            summary.stages = try stream.run(from: summary.resumed) { batch in
                let rows = folderLabels.map { labels in batch.map(labels.label) } ?? batch
                try committer.append(rows)
                report?.record(rows)
                for row in rows {
                    accuracy.record(row)
                    if let error = row.error { Self.logger.debug("\(row.path): \(error)") }
                }
                let failed = rows.filter { !$0.succeeded }.count
                summary.failed += failed
                summary.succeeded += rows.count - failed
                progress(summary.succeeded + summary.failed, summary.failed)
                if let max = configuration.maxErrors, summary.failed > max { throw StopEarly.tooManyErrors(max) }
            }
        } catch let stop as StopEarly {
            summary.stoppedEarly = stop.message
            Self.logger.warning("\(stop.message)")
        }
        if configuration.labelsFromDirs { summary.accuracy = accuracy }
        let t0 = Date()
        summary.outputs = try committer.finish().map(\.path)
        summary.stages.write += Date().timeIntervalSince(t0)
        summary.stages.list = listSeconds
        summary.wallSeconds = Date().timeIntervalSince(start)
        return summary
    }

    // MARK: - What the output records

    /// The commit settings the configuration gives; the run adds metadata and the fingerprint.
    private static func settings(_ configuration: Configuration, _ format: OutputFormat) -> OutputSettings {
        let output = configuration.output
        var settings = OutputSettings(
            format: format,
            sink: SinkOptions(extras: configuration.extras, compression: output.compression, rowGroupSize: output.rowGroupSize))
        settings.rowsPerFile = output.rowsPerFile
        settings.partTag = configuration.inputs.shard?.tag
        settings.resume = output.resume
        settings.overwrite = output.overwrite
        return settings
    }

    /// The model's identity, for the file footer.
    private func metadata() -> [(String, String)] {
        let p = classifier.preset
        let labels = classifier.labels.joined(separator: "\n")
        let keys: [(PredictionSchema.MetadataKey, String)] = [
            (.version, batchVisionVersion),
            (.model, classifier.entry.name),
            (.weights, classifier.weightsFile?.path ?? "random"),
            (.weightsSHA256, classifier.weightsFile?.sha256 ?? ""),
            (.preprocessing, "resize \(p.resizeSize) crop \(p.cropSize) mean \(p.mean) std \(p.std)"),
            (.precision, classifier.precision.rawValue),
            (.calibrationSHA256, classifier.calibrationSHA256 ?? ""),
            (.labels, labels),
            (.labelsSHA256, labelsSHA256),
            (.head, classifier.hasHead ? "logits" : "none (--no-head)"),
        ]
        return keys.map { ($0.0.rawValue, $0.1) }
    }

    /// The SHA-256 of the labels, one per line: what the metadata records of them.
    private var labelsSHA256: String {
        SHA256.hash(data: Data(classifier.labels.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What a resumed run must agree on with the run it continues.
    private func fingerprint() -> String {
        var hasher = SHA256()
        for location in locations { hasher.update(data: Data((location + "\n").utf8)) }
        let c = configuration
        let settings = "\(classifier.entry.name)|\(classifier.weightsFile?.sha256 ?? "random")|\(classifier.preset)|\(c.topK)|\(labelsSHA256)|"
            + "\(c.extras.rawValue)|\(classifier.hasHead)|\(c.classifier.precision)|\(classifier.calibrationSHA256 ?? "")|\(c.output.rowsPerFile)|"
            + "\(String(describing: c.inputs.shard))"
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
