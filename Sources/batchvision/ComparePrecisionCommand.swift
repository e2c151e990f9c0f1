import ArgumentParser
import BatchVision
import Foundation

/// `batchvision compare-precision`: fp32 and bf16 on the same images, and how far apart they are.
struct ComparePrecisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare-precision",
        abstract: "Run fp32 and bf16 on the same images and report their top-1 agreement, top-5 overlap and largest probability change.",
        discussion: """
            The number to look at before switching a long job to --precision bf16. Both precisions decode and preprocess the same files identically; only the model's arithmetic differs. Top-5 overlap is the mean of |top-5 at fp32 ∩ top-5 at bf16| / 5; the largest probability change is over every class of every image.

            bf16 needs a CPU that runs it natively (avx512_bf16 or AMX): elsewhere bf16 would quietly run fp32, and the command says so instead. int8 (--precision int8 --calibration FILE) runs on every CPU.

            Example:
              batchvision compare-precision photos/ --model efficientnet_lite0 --limit 500

            Exit status: 0 compared, 2 some inputs could not be read (the rest are compared), 1 fatal error.
            """
    )

    @Argument(help: "Image files, folders (recursive), @list.txt files (one path per line) and s3:// prefixes.")
    var sources: [String]

    @Option(help: "Compare only the first N inputs (after sorting by path).")
    var limit: Int?

    @Option(help: "S3-compatible endpoint for s3:// sources (path-style addressing). Default: $AWS_ENDPOINT_URL, else AWS.")
    var s3Endpoint: String?

    @OptionGroup var model: ModelOptionGroup

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: "Images whose top-1 differs to list by name.")
    var show = 10

    @OptionGroup var logging: LoggingOptionGroup

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        guard show >= 0 else { throw ValidationError("--show must be 0 or more") }
    }

    func run() throws {
        logging.bootstrap(fallback: .warning)
        let inputs = InputSelection(sources: sources, limit: limit, s3Endpoint: s3Endpoint)
        let comparison = try PrecisionComparison(inputs: inputs, classifier: try model.configuration, precision: model.precision ?? .bf16)
        let result = try comparison.run()
        if json {
            let data = try JSONSerialization.data(withJSONObject: object(comparison, result), options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            lines(comparison, result).forEach { print($0) }
        }
        for failure in result.failures { FileHandle.standardError.write(Data("\(failure.path): \(failure.error)\n".utf8)) }
        if !result.failures.isEmpty { throw ExitCode(2) }
    }

    // MARK: - Output

    private func lines(_ comparison: PrecisionComparison, _ result: PrecisionComparison.Result) -> [String] {
        let (a, fast, labels) = (result.agreement, comparison.fast.precision.rawValue, comparison.exact.labels)
        var lines = [
            "\(comparison.exact.entry.name), fp32 vs \(fast), \(a.images) images, \(comparison.exact.engine)",
            "  \(fast) layers ran in \(comparison.fast.layerPrecisions.summary)",
            "top-1 agreement:  \(a.top1Agreements)/\(a.images) = " + String(format: "%.2f%%", a.top1Agreement * 100),
            "top-5 overlap:    " + String(format: "%.2f%%", a.top5Overlap * 100) + " (mean |top-5 fp32 ∩ top-5 \(fast)| / 5)",
        ]
        if let c = a.largestChange {
            lines.append(
                String(format: "largest |Δp|:     %.4f", c.size) + " on \(c.path), class \(c.classIndex) \(labels[c.classIndex]): "
                    + String(format: "%.4f at fp32, %.4f at \(fast)", c.exact, c.fast))
        }
        lines.append(
            String(format: "model time:       fp32 %.2f s, \(fast) %.2f s (%.2fx)", result.exactInferSeconds, result.fastInferSeconds,
                result.exactInferSeconds / max(result.fastInferSeconds, 1e-9)))
        for d in a.disagreements.prefix(show) {
            lines.append("  top-1 differs: \(d.path): fp32 \(labels[d.exactClass]), \(fast) \(labels[d.fastClass])")
        }
        if a.disagreements.count > show { lines.append("  ... and \(a.disagreements.count - show) more") }
        return lines
    }

    private func object(_ comparison: PrecisionComparison, _ result: PrecisionComparison.Result) -> [String: Any] {
        let (a, fast, labels) = (result.agreement, comparison.fast.precision.rawValue, comparison.exact.labels)
        var object: [String: Any] = [
            "model": comparison.exact.entry.name, "precision": fast, "isa": CPUCapabilities.isa, "images": a.images,
            "failed": result.failures.count, "top1_agreement": a.top1Agreement, "top1_agreeing": a.top1Agreements,
            "top5_overlap": a.top5Overlap, "infer_s": ["fp32": result.exactInferSeconds, fast: result.fastInferSeconds],
            "layer_precisions": comparison.fast.layerPrecisions.counts,
            "disagreements": a.disagreements.map {
                ["path": $0.path, "fp32_label": labels[$0.exactClass], "\(fast)_label": labels[$0.fastClass]] as [String: Any]
            },
        ]
        if let c = a.largestChange {
            object["largest_probability_change"] = [
                "value": c.size, "path": c.path, "class_index": c.classIndex, "label": labels[c.classIndex], "fp32": c.exact, fast: c.fast,
            ] as [String: Any]
        }
        return object
    }
}
