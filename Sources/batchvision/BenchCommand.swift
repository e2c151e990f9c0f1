import ArgumentParser
import BatchVision
import Foundation

/// `batchvision bench`: model-only throughput on random input, as the peer benchmarks measure it.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a model's images/s on random input (no decoding), and show what oneDNN chose.",
        discussion: """
            Runs two warm-up batches, then times batches for --seconds and reports the median and the best.

            Example:
              batchvision bench --model resnet152 --random-weights --batch-size 16 --threads 2
            """
    )

    @OptionGroup var model: ModelOptionGroup
    @OptionGroup var logging: LoggingOptionGroup

    @Option(help: "Seconds of timed batches (after 2 warm-up batches).")
    var seconds = 8.0

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "List the implementation oneDNN picked for every primitive.")
    var verbose = false

    func run() throws {
        logging.bootstrap(fallback: .warning)
        let classifier = try Classifier(try model.configuration)
        let n = classifier.batchSize
        var input = [Float](repeating: 0, count: n * classifier.imageElementCount)
        var state: UInt32 = 1
        for i in input.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            input[i] = Float(state >> 8) / Float(1 << 24) * 4 - 2
        }
        var output = [Float](repeating: 0, count: n * classifier.classCount)
        func batch() throws -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try input.withUnsafeBufferPointer { x in
                try output.withUnsafeMutableBufferPointer { y in try classifier.logits(x, count: n, into: y) }
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        _ = try batch()
        _ = try batch()
        var times: [Double] = []
        let deadline = Date().addingTimeInterval(seconds)
        repeat { times.append(try batch()) } while Date() < deadline || times.count < 3
        let inOrder = times  // for the spread, in the order they ran
        times.sort()
        let median = times[times.count / 2]
        let report: [String: Any] = [
            "model": classifier.entry.name, "batch_size": n, "threads": model.threads,
            "precision": classifier.precision.rawValue, "images_per_s": Double(n) / median, "images_per_s_best": Double(n) / times[0],
            "ms_per_batch": median * 1000, "batch_ms": inOrder.map { ($0 * 1e4).rounded() / 10 }, "batches": times.count, "load_s": classifier.loadSeconds,
            "implementations": implementationCounts(classifier.implementations), "engine": classifier.engine,
            "cpu_flags": CPUCapabilities.flags, "isa": CPUCapabilities.isa, "layer_precisions": classifier.layerPrecisions.counts,
        ]
        if json {
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print("\(classifier.entry.name) \(classifier.precision.rawValue) on \(classifier.engine), batch \(n), \(model.threads) threads: "
            + String(format: "%.1f images/s (best %.1f, worst %.1f), %.1f ms/batch, %d batches, load %.2f s",
                Double(n) / median, Double(n) / times[0], Double(n) / times[times.count - 1], median * 1000, times.count,
                classifier.loadSeconds))
        print("implementations: " + classifier.implementationTally)
        print("layers ran in " + classifier.layerPrecisions.summary)
        if let hint = classifier.fasterPrecisionHint { print("hint: \(hint)") }
        if verbose { classifier.implementations.forEach { print("  \($0)") } }
    }

    /// How many primitives use each implementation ("jit:avx2" ×52), from "step: implementation" lines.
    private func implementationCounts(_ lines: [String]) -> [String: Int] {
        Dictionary(lines.map { (String($0.split(separator: ": ").last ?? Substring($0)), 1) }, uniquingKeysWith: +)
    }
}
