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
            Images are decoded by content (JPEG, PNG, WebP, BMP, GIF, TIFF) to the RGB pixels Pillow's convert("RGB") gives, and preprocessed as the model's own torchvision weights.transforms() does: each catalog model has its preset (ResNet's resizes the shorter side to 256 with Pillow's antialiased bilinear filter, center-crops 224, scales and normalizes); `batchvision models` lists every model's.

            Start with `batchvision inspect FOLDER` to see what a folder holds.

            Exit status: 0 all inputs succeeded, 2 some inputs failed (each is reported), 1 fatal error.
            """,
        version: batchVisionVersion,
        subcommands: [
            InspectCommand.self, PreprocessCommand.self, PredictCommand.self, ClassifyCommand.self, ModelsCommand.self,
            BenchCommand.self, ComparePrecisionCommand.self, SystemCommand.self, CalibrateCommand.self,
        ]
    )

    /// Runs the command; usage errors exit with status 1 (not ArgumentParser's 64), so that
    /// scripts see exactly 0 (all good), 1 (fatal) or 2 (some inputs failed).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as any UserFacingError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        } catch let error as CocoaError {
            // Foundation's own text ("Error Domain=NSCocoaErrorDomain Code=4 ...") is not for users.
            let path = error.filePath.map { "\($0): " } ?? ""
            FileHandle.standardError.write(Data("error: \(path)\(FoundationErrorText.reason(error))\n".utf8))
            Foundation.exit(1)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}

/// One line for a Foundation file error that reached the top, in place of Foundation's own text.
enum FoundationErrorText {
    static func reason(_ error: CocoaError) -> String {
        switch error.code {
        case .fileNoSuchFile, .fileReadNoSuchFile: "no such file or folder — check the path"
        case .fileWriteNoPermission, .fileReadNoPermission: "permission denied — check the folder's permissions"
        case .fileWriteOutOfSpace: "no space left on the device — free some space or write elsewhere"
        case .fileWriteFileExists: "it already exists — choose another path"
        default: "the file could not be read or written — check the path, permissions and free space"
        }
    }
}
