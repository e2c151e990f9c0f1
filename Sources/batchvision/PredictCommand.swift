import ArgumentParser
import BatchVision
import Foundation

/// `batchvision predict`: classify a few images and print labels (the tutorial's single-batch step).
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images and print each one's label and confidence.",
        discussion: """
            With --json, one JSON object per line with the same keys as the rows `classify` writes: \(PredictionSchema.columns([]).map(\.name).joined(separator: ", ")), and with --logits the raw logits. An image that cannot be read has error set and nulls elsewhere.

            Examples:
              batchvision predict cat.jpg dog.png --model efficientnet_lite0
              batchvision predict photos/ --model resnet50 \\
                  --weights resnet50-0676ba61.pth --json --logits

            Exit status: 0 all classified, 2 some images failed (the rest are still classified), 1 fatal error. For large collections use `batchvision classify`, which streams to Parquet, CSV or JSONL.
            """
    )

    @Argument(help: "Image files and folders.")
    var sources: [String]

    @OptionGroup var model: ModelOptionGroup
    @OptionGroup var logging: LoggingOptionGroup

    @Option(name: .customLong("top-k"), help: "How many of the most likely classes to report.")
    var topK = 5

    @Flag(help: "Print one JSON object per image instead of text.")
    var json = false

    @Flag(help: "With --json, include the raw logits.")
    var logits = false

    @OptionGroup var decoding: DecodeOptionGroup

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
    }

    func run() throws {
        logging.bootstrap(fallback: .warning)
        let paths = try InputListing.expand(sources)
        guard !paths.isEmpty else { throw InputError.emptySelection }
        var configuration = try model.configuration
        // Batches are padded to full size; a handful of images should not pay for sixteen.
        configuration.batchSize = min(configuration.batchSize, paths.count)
        let classifier = try Classifier(configuration)
        let stream = ImageStream(
            locations: paths, classifier: classifier, decoder: classifier.decoder(decoding.options, fastDecode: decoding.fastDecode))
        stream.topK = topK
        stream.includeLogits = logits
        var rows: [PredictionRow] = []
        _ = try stream.run { rows += $0 }
        let columns = PredictionSchema.columns(logits ? .logits : [])
        for (i, row) in rows.enumerated() {
            print(json ? PredictionSchema.jsonObject(row, columns: columns) : PredictionText.line(row, number: i + 1))
        }
        if rows.contains(where: { !$0.succeeded }) { throw ExitCode(2) }
    }
}

/// "Image 3: tench (confidence: 97.12%)" and the runners-up.
enum PredictionText {
    static func line(_ row: PredictionRow, number: Int) -> String {
        guard let label = row.label, let confidence = row.confidence else {
            return "Image \(number): \(row.path): error: \(row.error ?? "unknown")"
        }
        let rest = zip(row.topKLabels ?? [], row.topKProbs ?? []).dropFirst().map { "\($0.0) \(percent($0.1))" }
        return "Image \(number): \(label) (confidence: \(percent(confidence)))  \(row.path)"
            + (rest.isEmpty ? "" : "\n    then: \(rest.joined(separator: ", "))")
    }

    static func percent(_ p: Float) -> String { String(format: "%.2f%%", p * 100) }
}
