import Foundation

/// Decodes and preprocesses images into raw tensor files, `DIR/<file name>.f32`.
///
/// Each file holds little-endian float32 values in C order, `[3, crop, crop]` for CHW (the
/// layout `torch.from_numpy(np.fromfile(p, "<f4").reshape(3, crop, crop))` reads back) or
/// `[crop, crop, 3]` for HWC. A file that fails leaves no output and reports why; the others
/// are still written. Outputs are written to a temporary name and renamed, so a reader never
/// sees a half-written tensor.
public struct TensorFileWriter: Sendable {
    public struct Written: Sendable {
        public let input: String
        public let output: String
        public let source: (width: Int, height: Int)
        public let minimum: Float, maximum: Float, mean: Float
    }

    public struct Failure: Sendable, Error {
        public let input: String
        public let reason: String
    }

    public let decoder: ImageDecoder
    public let preprocessor: Preprocessor
    public let layout: TensorLayout
    public let outputDirectory: URL
    public let workers: Int

    public init(
        decoder: ImageDecoder, preprocessor: Preprocessor, layout: TensorLayout, outputDirectory: URL,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.decoder = decoder
        self.preprocessor = preprocessor
        self.layout = layout
        self.outputDirectory = outputDirectory
        self.workers = workers
    }

    /// Output names must be unique: two inputs called `a.jpg` in different folders would collide.
    public static func collidingNames(_ inputs: [String]) -> [String] {
        let names = inputs.map { URL(fileURLWithPath: $0).lastPathComponent }
        return Dictionary(names.map { ($0, 1) }, uniquingKeysWith: +).filter { $0.value > 1 }.keys.sorted()
    }

    /// Writes one tensor file per input, in parallel; results come back in input order.
    public func write(_ inputs: [String]) throws -> [Result<Written, Failure>] {
        try AtomicFile.makeFolder(outputDirectory.path)
        return parallelMap(inputs.count, workers: workers) { i in
            do {
                return .success(try writeOne(inputs[i]))
            } catch {
                return .failure(Failure(input: inputs[i], reason: "\(error)"))
            }
        }
    }

    private func writeOne(_ input: String) throws -> Written {
        let image = try decoder.decode(contentsOf: URL(fileURLWithPath: input))
        var tensor = [Float](repeating: 0, count: preprocessor.elementCount)
        tensor.withUnsafeMutableBufferPointer { preprocessor.run(image, into: $0, layout: layout) }
        let output = outputDirectory.appendingPathComponent(URL(fileURLWithPath: input).lastPathComponent + ".f32")
        // float32 is little-endian on every platform Swift runs on for us (x86-64, arm64).
        try AtomicFile.write(tensor.withUnsafeBytes { Array($0) }, to: output.path)
        let sum = tensor.reduce(0, +)
        return Written(
            input: input, output: output.path, source: (image.width, image.height),
            minimum: tensor.min() ?? 0, maximum: tensor.max() ?? 0, mean: sum / Float(tensor.count))
    }
}
