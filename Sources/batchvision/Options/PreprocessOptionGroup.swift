import Foundation
import ArgumentParser
import BatchVision

/// torchvision's ImageClassification preset parameters; the defaults are ResNet's IMAGENET1K_V1 transforms().
struct PreprocessOptionGroup: ParsableArguments {
    @Option(help: "Resize the shorter side to this many pixels (Pillow antialiased bilinear). Default: the model's, 256.")
    var resize: Int?

    @Option(help: "Center-crop to a square of this size. Default: the model's, 224.")
    var crop: Int?

    @Option(help: ArgumentHelp("Per-channel mean on the [0,1] scale, subtracted after scaling. Default: the model's (ImageNet: 0.485,0.456,0.406).", valueName: "r,g,b"))
    var mean: String?

    @Option(help: ArgumentHelp("Per-channel standard deviation on the [0,1] scale. Default: the model's (ImageNet: 0.229,0.224,0.225).", valueName: "r,g,b"))
    var std: String?

    func validate() throws {
        _ = try preset(base: .imagenet)
    }

    /// True when the user set any preprocessing option.
    var isSet: Bool { resize != nil || crop != nil || mean != nil || std != nil }

    /// `base` with the options the user set applied, checked.
    func preset(base: PreprocessPreset) throws -> PreprocessPreset {
        let preset = PreprocessPreset(
            resizeSize: resize ?? base.resizeSize, cropSize: crop ?? base.cropSize,
            mean: try mean.map { try Self.triple($0, "--mean") } ?? base.mean,
            std: try std.map { try Self.triple($0, "--std") } ?? base.std)
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
