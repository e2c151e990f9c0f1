import ArgumentParser
import BatchVision
import Foundation

/// `batchvision calibrate`: int8 scales for a model's weights, from images like those it will classify.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Choose int8 scales for a model from calibration images, for --precision int8.",
        discussion: """
            Runs the model in fp32 on the images (preprocessed exactly as `classify` does), records the range of every quantized layer's input, and writes a small JSON file: for each layer the input scale (the clip of |x| with the least expected squared error, or --percentile, over 127, or over 255 when the input is never negative), a scale per output channel of its weights (max |w| / 127), and a bias correction per output channel (minus the mean shift that int8's clipping and rounding caused on the images). The file is keyed by the weights' SHA-256: it only runs with those weights. Quantized: convolutions and linear layers (a transformer's projections and MLPs); depthwise convolutions and the head that writes the logits stay fp32.

            A few hundred images from the data you will classify are enough; check the result with `batchvision classify ... --precision int8 --calibration FILE` against fp32 on a sample before switching a long job.

            Examples:
              batchvision calibrate train/ --model resnet50 --weights resnet50-0676ba61.pth --output resnet50.int8.json
              batchvision classify photos/ --model resnet50 --weights resnet50-0676ba61.pth \\
                  --precision int8 --calibration resnet50.int8.json --output predictions.parquet
            """
    )

    @Argument(help: "Image files, folders (recursive), @list.txt files and s3:// prefixes.")
    var sources: [String]

    @OptionGroup var model: ModelOptionGroup

    @Option(help: "How many images to calibrate on (the first ones, sorted by path).")
    var images = 300

    @Option(help: "Clip each layer input at this percentile of |x| (e.g. 99.99). Default: the clip with the least expected squared error.")
    var percentile: Double?

    @Option(help: "S3-compatible endpoint for s3:// sources, e.g. http://127.0.0.1:9000.")
    var s3Endpoint: String?

    @Option(help: ArgumentHelp("Where to write the calibration (JSON).", valueName: "file"))
    var output: String

    @OptionGroup var decoding: DecodeOptionGroup
    @OptionGroup var logging: LoggingOptionGroup

    func validate() throws {
        guard (1...5000).contains(images) else { throw ValidationError("--images must be within 1...5000") }
        if let percentile, !(percentile > 50 && percentile <= 100) { throw ValidationError("--percentile must be above 50 and at most 100") }
    }

    func run() throws {
        logging.bootstrap(fallback: .warning)
        let start = Date()
        let calibrator = try Calibrator(try model.configuration, percentile: percentile)
        let decoder = calibrator.classifier.decoder(decoding.options, fastDecode: false)
        let loaded = try calibrator.load(InputSelection(sources: sources, s3Endpoint: s3Endpoint), limit: images, decoder: decoder)
        for failure in loaded.failures { FileHandle.standardError.write(Data("skipped \(failure.path): \(failure.error)\n".utf8)) }
        let calibration = try calibrator.calibrate(loaded.images, count: loaded.count)
        try calibration.json().write(to: URL(fileURLWithPath: output), options: .atomic)
        let seconds = String(format: "%.1f", Date().timeIntervalSince(start))
        print("calibrated \(calibration.model) on \(loaded.count) images (\(loaded.failures.count) unreadable, skipped): "
            + "\(calibrator.layerCount) int8 layers, \(calibration.method); wrote \(output) in \(seconds) s")
    }
}
