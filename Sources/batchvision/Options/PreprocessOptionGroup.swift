import Foundation
import ArgumentParser
import BatchVision

/// torchvision's ImageClassification preset parameters; the defaults are ResNet's IMAGENET1K_V1 transforms().
struct PreprocessOptionGroup: ParsableArguments {
    @Option(help: "Resize the shorter side to this many pixels (Pillow antialiased bilinear).")
    var resize: Int = PreprocessPreset.imagenet.resizeSize

    @Option(help: "Center-crop to a square of this size.")
    var crop: Int = PreprocessPreset.imagenet.cropSize

    @Option(help: ArgumentHelp("Per-channel mean on the [0,1] scale, subtracted after scaling.", valueName: "r,g,b"))
    var mean: String = PreprocessPreset.imagenet.mean.map { "\($0)" }.joined(separator: ",")

    @Option(help: ArgumentHelp("Per-channel standard deviation on the [0,1] scale, divided by after subtracting the mean.", valueName: "r,g,b"))
    var std: String = PreprocessPreset.imagenet.std.map { "\($0)" }.joined(separator: ",")

    func validate() throws {
        _ = try preset()
    }

    /// The preset these options describe, checked.
    func preset() throws -> PreprocessPreset {
        let preset = PreprocessPreset(
            resizeSize: resize, cropSize: crop, mean: try Self.triple(mean, "--mean"), std: try Self.triple(std, "--std"))
        do {
            return try preset.validated()
        } catch {
            throw ValidationError("\(error)")
        }
    }

    static func triple(_ text: String, _ flag: String) throws -> [Float] {
        let values = text.split(separator: ",").map { Float($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == 3, let r = values[0], let g = values[1], let b = values[2] else {
            throw ValidationError("\(flag) takes three comma-separated numbers, e.g. 0.485,0.456,0.406 (got '\(text)')")
        }
        return [r, g, b]
    }
}
