// Times decode + preprocess per image on the calling thread (pin it with `taskset -c 0`).
// Run through scripts/bench-preprocess, which also times Pillow + torchvision in the same run.
//
//   preprocess-bench [--passes N] [--fast-decode] FILE_OR_DIR...
// Prints one JSON object: images/s (median pass), ms per image split into read+decode and
// preprocess, and with --fast-decode the max |difference| of each tensor from exact mode.
import BatchVision
import Foundation

func main() throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var passes = 5
    var fastDecode = false
    if let i = arguments.firstIndex(of: "--passes"), i + 1 < arguments.count, let n = Int(arguments[i + 1]) {
        passes = n
        arguments.removeSubrange(i...(i + 1))
    }
    if let i = arguments.firstIndex(of: "--fast-decode") {
        fastDecode = true
        arguments.remove(at: i)
    }

    let paths = try InputListing.expand(arguments)
    let preprocessor = try Preprocessor(preset: .imagenet)
    let exact = ImageDecoder()
    var fastOptions = DecodeOptions()
    fastOptions.jpegMinimumShorterSide = PreprocessPreset.imagenet.resizeSize
    let decoder = fastDecode ? ImageDecoder(options: fastOptions) : exact
    var tensor = [Float](repeating: 0, count: preprocessor.elementCount)

    /// One pass over every file: (seconds decoding, seconds preprocessing).
    func pass() throws -> (Double, Double) {
        var decodeSeconds = 0.0
        var preprocessSeconds = 0.0
        for path in paths {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let image = try decoder.decode(contentsOf: URL(fileURLWithPath: path))
            let t1 = DispatchTime.now().uptimeNanoseconds
            tensor.withUnsafeMutableBufferPointer { preprocessor.run(image, into: $0) }
            let t2 = DispatchTime.now().uptimeNanoseconds
            decodeSeconds += Double(t1 - t0) / 1e9
            preprocessSeconds += Double(t2 - t1) / 1e9
        }
        return (decodeSeconds, preprocessSeconds)
    }

    _ = try pass()  // warm-up: page cache, allocator, code
    var results: [(Double, Double)] = []
    for _ in 0..<passes { results.append(try pass()) }
    results.sort { $0.0 + $0.1 < $1.0 + $1.1 }
    let median = results[results.count / 2]
    let n = Double(paths.count)

    var maxDifference: Float = 0
    if fastDecode {
        for path in paths {
            let url = URL(fileURLWithPath: path)
            let a = preprocessor.tensor(try exact.decode(contentsOf: url))
            let b = preprocessor.tensor(try decoder.decode(contentsOf: url))
            for i in a.indices { maxDifference = max(maxDifference, abs(a[i] - b[i])) }
        }
    }

    let report: [String: Any] = [
        "images": paths.count, "passes": passes, "fast_decode": fastDecode,
        "images_per_s": n / (median.0 + median.1),
        "ms_decode": 1000 * median.0 / n, "ms_preprocess": 1000 * median.1 / n,
        "max_abs_diff_from_exact": Double(maxDifference),
    ]
    let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

try main()
