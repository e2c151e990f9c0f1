import ArgumentParser
import BatchVision
import Foundation

/// `batchvision predict`: classify a few images and print labels (the tutorial's single-batch step).
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images and print each one's label and confidence.",
        discussion: """
            Examples:
              batchvision predict cat.jpg dog.png --model efficientnet_lite0
              batchvision predict photos/ --model resnet50 --weights resnet50-0676ba61.pth --json --logits
            With --json, one JSON object per line: path, label, class_index, confidence, top_k (label, index,
            probability) and, with --logits, the raw logits; an image that cannot be read gives path and error.
            Exit status: 0 all classified, 2 some images failed (the rest are still classified), 1 fatal error.
            For large collections use `batchvision classify`, which streams to Parquet/CSV/JSONL.
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

    @OptionGroup var preprocessing: PreprocessOptionGroup
    @OptionGroup var decoding: DecodeOptionGroup

    func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
    }

    func run() throws {
        logging.bootstrap(fallback: .warning)
        let paths = try InputListing.expand(sources)
        guard !paths.isEmpty else { throw InputError.emptySelection }
        var configuration = try model.configuration(preset: nil).withPreset(preprocessing)
        // Batches are padded to full size; a handful of images should not pay for sixteen.
        configuration.batchSize = min(configuration.batchSize, paths.count)
        let classifier = try Classifier(configuration)
        let decoder = decoding.decoder(resizeSize: classifier.preset.resizeSize)
        let job = ClassificationJob(locations: paths, classifier: classifier, decoder: decoder)
        job.topK = topK
        job.includeLogits = logits
        var predictions: [Prediction] = []
        _ = try job.run { predictions += $0 }
        for (i, p) in predictions.enumerated() {
            print(json ? PredictionJSON.line(p) : PredictionText.line(p, number: i + 1))
        }
        if predictions.contains(where: { $0.error != nil }) { throw ExitCode(2) }
    }
}

extension ClassifierConfiguration {
    /// This configuration with the user's preprocessing overrides applied to the model's preset.
    func withPreset(_ options: PreprocessOptionGroup) throws -> ClassifierConfiguration {
        guard options.isSet else { return self }
        guard let entry = ModelCatalog.entry(named: model) else { return self }  // the classifier reports it
        var copy = self
        copy.preset = try options.preset(base: entry.preset)
        return copy
    }
}

/// "Image 3: tench (confidence: 97.12%)" and the runners-up.
enum PredictionText {
    static func line(_ p: Prediction, number: Int) -> String {
        guard let best = p.topK.first else { return "Image \(number): \(p.path): error: \(p.error ?? "unknown")" }
        let rest = p.topK.dropFirst().map { "\($0.label) \(percent($0.probability))" }.joined(separator: ", ")
        return "Image \(number): \(best.label) (confidence: \(percent(best.probability)))  \(p.path)"
            + (rest.isEmpty ? "" : "\n    then: \(rest)")
    }

    static func percent(_ p: Float) -> String { String(format: "%.2f%%", p * 100) }
}

/// One JSON object per prediction, keys as in the Parquet schema.
enum PredictionJSON {
    static func line(_ p: Prediction) -> String {
        var object: [String: Any] = ["path": p.path]
        if let error = p.error {
            object["error"] = error
        } else if let best = p.topK.first {
            object["label"] = best.label
            object["class_index"] = best.classIndex
            object["confidence"] = Double(best.probability)
            object["top_k"] = p.topK.map { ["label": $0.label, "index": $0.classIndex, "probability": Double($0.probability)] }
            if let logits = p.logits { object["logits"] = logits.map(Double.init) }
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
