import ArgumentParser
import BatchVision
import Foundation

/// Which model to run and how, with its preprocessing: shared by predict, bench and classify.
struct ModelOptionGroup: ParsableArguments {
    @Option(help: "Model name (`batchvision models` lists them, each with its own preprocessing preset).")
    var model = "resnet152"

    @Option(help: "Weights file (.pth or .safetensors). Default: the model's file in $BATCHVISION_HOME/weights or the torch hub cache.")
    var weights: String?

    @Flag(help: "Use seeded random weights instead of a file (for benchmarks; predictions are meaningless).")
    var randomWeights = false

    @Option(help: ArgumentHelp("Class names for the head's outputs: one per line, or a JSON list of strings. Default: ImageNet's names when the head has 1000 outputs, else class_0, class_1, ... (the class count always comes from the weights).", valueName: "file"))
    var labels: String?

    @Option(help: ArgumentHelp("Which published weights' preprocessing to use: v1, v2, ... (`batchvision models` lists them). Default: the one the weights file's name is, else v1.", valueName: "version"))
    var weightsPreset: String?

    @Option(help: "Intra-op threads for inference.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    // Optional so that compare-precision can default to bf16 and refuse an explicit fp32.
    @Option(help: "fp32 (PyTorch-exact within 1e-4), bf16 (faster on CPUs with avx512_bf16 or AMX; `batchvision compare-precision` measures its agreement on your images) or int8 (needs --calibration). Default: fp32 (compare-precision: bf16).")
    var precision: Precision?

    @Option(help: ArgumentHelp("The int8 scales `batchvision calibrate` wrote for these weights (with --precision int8).", valueName: "file"))
    var calibration: String?

    @Option(help: "Images per model run.")
    var batchSize = 16

    @OptionGroup var preprocessing: PreprocessOptionGroup

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard (1...1024).contains(batchSize) else { throw ValidationError("--batch-size must be within 1...1024") }
        guard !(randomWeights && weights != nil) else { throw ValidationError("pass either --weights or --random-weights, not both") }
        if precision == .int8, calibration == nil {
            throw ValidationError("--precision int8 needs --calibration FILE (make one with `batchvision calibrate IMAGES --model M --output FILE`)")
        }
        if calibration != nil, precision != .int8 { throw ValidationError("--calibration is for --precision int8") }
    }

    /// The classifier configuration these options describe.
    var configuration: ClassifierConfiguration {
        get throws {
            var c = ClassifierConfiguration()
            c.model = model
            c.weights = randomWeights ? .random(seed: 0x5EED) : .file(weights)
            c.threads = threads
            c.precision = precision ?? .fp32
            c.calibration = try calibration.map(Calibration.read(contentsOf:))
            c.batchSize = batchSize
            c.preset = try preprocessing.overrides
            c.weightsPreset = weightsPreset
            c.labels = try labels.map(LabelsFile.read)
            return c
        }
    }
}

extension Precision: ExpressibleByArgument {}
