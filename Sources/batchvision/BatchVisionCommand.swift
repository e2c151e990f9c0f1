import ArgumentParser
import BatchVision
import Foundation

/// `batchvision`: classify large image collections with pretrained ImageNet models.
@main
struct BatchVisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batchvision",
        abstract: "Decode, preprocess and classify large image collections exactly as torchvision + PyTorch do.",
        discussion: """
            Images are decoded by content (JPEG, PNG, WebP) to the RGB pixels Pillow's convert("RGB") gives, and
            preprocessed as torchvision's ResNet152_Weights.IMAGENET1K_V1.transforms() does (resize the shorter side
            to 256 with Pillow's antialiased bilinear filter, center-crop 224, scale, normalize).

            Start with `batchvision inspect FOLDER` to see what a folder holds.
            Exit status: 0 all inputs succeeded, 2 some inputs failed (each is reported), 1 fatal error.
            """,
        version: batchVisionVersion,
        subcommands: [
            InspectCommand.self, PreprocessCommand.self, PredictCommand.self, ClassifyCommand.self, ModelsCommand.self,
            BenchCommand.self,
        ]
    )

    /// Runs the command; usage errors exit with status 1 (not ArgumentParser's 64), so that
    /// scripts see exactly 0 (all good), 1 (fatal) or 2 (some inputs failed).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
