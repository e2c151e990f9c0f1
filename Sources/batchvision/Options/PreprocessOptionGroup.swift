import ArgumentParser
import BatchVision
import Foundation

/// torchvision's ImageClassification preset parameters; what is not set comes from the model's own preset.
struct PreprocessOptionGroup: ParsableArguments {
    @Option(help: "Resize the shorter side to this many pixels (Pillow's antialiased filter). Default: the model's preset (`batchvision models` lists each one's).")
    var resize: Int?

    @Option(help: "Center-crop to a square of this size. Default: the model's preset.")
    var crop: Int?

    @Option(help: ArgumentHelp("Per-channel mean on the [0,1] scale, subtracted after scaling. Default: the model's preset (ImageNet's is 0.485,0.456,0.406).", valueName: "r,g,b"))
    var mean: String?

    @Option(help: ArgumentHelp("Per-channel standard deviation on the [0,1] scale. Default: the model's preset (ImageNet's is 0.229,0.224,0.225).", valueName: "r,g,b"))
    var std: String?

    func validate() throws {
        do {
            _ = try overrides.applied(to: .imagenet)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The parameters the user set, to apply over a model's preset.
    var overrides: PresetOverrides {
        get throws {
            PresetOverrides(
                resizeSize: resize, cropSize: crop, mean: try mean.map { try Self.triple($0, "--mean") },
                std: try std.map { try Self.triple($0, "--std") })
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
