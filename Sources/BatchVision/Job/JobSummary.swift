import Foundation

/// The end-of-job account: what went in, what came out, and where the time went.
public struct JobSummary: Sendable {
    public var inputs = 0
    public var succeeded = 0
    public var failed = 0
    /// Rows an earlier, interrupted run had already committed (skipped by --resume).
    public var resumed = 0
    public var wallSeconds = 0.0
    public var stages = StageTimes()
    public var stoppedEarly: String?
    public var outputs: [String] = []
    /// With `--labels-from-dirs`: accuracy over this run's rows.
    public var accuracy: Accuracy?
    /// "resnet152 fp32, oneDNN on avx2": what ran.
    public var model = ""
    /// The precision each convolution and linear layer ran in.
    public var layerPrecisions = LayerPrecisions()
    /// How the CPU could run faster, when it could.
    public var hint: String?

    /// The process's peak resident memory so far, in MiB (Linux `VmHWM`); 0 where unknown.
    public static func peakResidentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kilobytes / 1024
    }

    /// Images classified per second of wall time in this run.
    public var imagesPerSecond: Double { Double(succeeded + failed) / max(wallSeconds, 1e-9) }

    public var lines: [String] {
        var lines = [
            "inputs \(inputs): \(succeeded) succeeded, \(failed) failed" + (resumed > 0 ? " (\(resumed) already done before --resume)" : ""),
            String(format: "wall %.2f s, %.1f images/s, peak memory %.0f MiB", wallSeconds, imagesPerSecond, Self.peakResidentMegabytes()),
            String(
                format: "time per stage: list %.2f s, read %.2f s, decode+preprocess %.2f s (summed over workers), infer %.2f s, write %.2f s",
                stages.list, stages.read, stages.decodePreprocess, stages.infer, stages.write),
        ]
        if !model.isEmpty { lines.append("model: \(model)") }
        if !layerPrecisions.layers.isEmpty { lines.append("layers ran in \(layerPrecisions.summary)") }
        lines += accuracy?.lines ?? []
        if let hint { lines.append("hint: \(hint)") }
        if let stoppedEarly { lines.append("stopped early: \(stoppedEarly)") }
        if !outputs.isEmpty { lines.append("output: " + outputs.joined(separator: ", ")) }
        return lines
    }

    public var json: [String: Any] {
        var json: [String: Any] = [
            "inputs": inputs, "succeeded": succeeded, "failed": failed, "resumed": resumed, "wall_s": wallSeconds,
            "images_per_s": imagesPerSecond, "peak_rss_mb": Self.peakResidentMegabytes(), "stopped_early": stoppedEarly as Any, "outputs": outputs,
            "stages_s": [
                "list": stages.list, "read": stages.read, "decode_preprocess": stages.decodePreprocess, "infer": stages.infer,
                "write": stages.write,
            ],
        ]
        if let accuracy { json["accuracy"] = accuracy.json }
        json["model"] = model
        json["layer_precisions"] = layerPrecisions.counts
        return json
    }
}
