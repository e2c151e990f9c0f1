import ArgumentParser
import BatchVision
import Foundation

/// `batchvision preprocess`: the model's input tensors, written to files for checking against torchvision.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess",
        abstract: "Write each image's preprocessed tensor to DIR/<file name>.f32.",
        discussion: """
            Each output is raw little-endian float32 in C order, [3, crop, crop] (or [crop, crop, 3] with --layout hwc), exactly what torchvision's ImageClassification transform gives for the Pillow image. The preset is --model's own (ResNet-152's by default), with --resize, --crop, --mean and --std applied over it. Read one back in Python with:
              torch.from_numpy(numpy.fromfile("out/x.jpg.f32", "<f4").reshape(3, 224, 224))

            A file that fails prints `path: reason` on stderr and makes the exit status 1; the others are still written. A bad option or an unwritable output folder stops before any work, also with status 1.
            """
    )

    @Argument(help: "Image files and folders.")
    var sources: [String]

    @Option(name: .customLong("output-dir"), help: "Folder for the .f32 files (created if missing).")
    var outputDirectory: String

    @Option(help: "Element order in each file: chw (what PyTorch models take) or hwc.")
    var layout: TensorLayout = .chw

    @Option(help: "The model whose preprocessing preset to apply (`batchvision models` lists them).")
    var model = "resnet152"

    @OptionGroup var preprocessing: PreprocessOptionGroup
    @OptionGroup var decoding: DecodeOptionGroup

    func run() throws {
        let inputs = try InputListing.expand(sources)
        guard !inputs.isEmpty else { throw InputError.emptySelection }
        let collisions = TensorFileWriter.collidingNames(inputs)
        guard collisions.isEmpty else {
            throw ValidationError("several inputs are named \(collisions.joined(separator: ", ")); their outputs would overwrite each other — preprocess them into separate --output-dir folders")
        }
        guard let entry = ModelCatalog.entry(named: model) else { throw ClassifierError.unknownModel(model) }
        let preset = try preprocessing.overrides.applied(to: entry.preset)
        let writer = TensorFileWriter(
            decoder: preset.decoder(decoding.options, fastDecode: decoding.fastDecode), preprocessor: try Preprocessor(preset: preset),
            layout: layout, outputDirectory: URL(fileURLWithPath: outputDirectory))
        let start = Date()
        let results = try writer.write(inputs)
        var failed = 0
        for result in results {
            switch result {
            case .success(let w):
                print("\(w.input)  \(w.source.width)x\(w.source.height) -> \(w.output)  "
                    + String(format: "min %.3f max %.3f mean %.3f", w.minimum, w.maximum, w.mean))
            case .failure(let f):
                failed += 1
                FileHandle.standardError.write(Data("\(f.input): \(f.reason)\n".utf8))
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let shape = layout == .chw ? "[3, \(preset.cropSize), \(preset.cropSize)]" : "[\(preset.cropSize), \(preset.cropSize), 3]"
        print("\(results.count - failed) tensors \(shape) written, \(failed) failed, "
            + String(format: "%.2f s (%.0f images/s)", seconds, Double(results.count) / max(seconds, 1e-9)))
        if failed > 0 { throw ExitCode.failure }
    }
}

extension TensorLayout: ExpressibleByArgument {}
