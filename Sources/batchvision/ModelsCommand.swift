import ArgumentParser
import BatchVision
import Foundation

/// `batchvision models`: the catalog.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models BatchVision can run, their weight files and each one's preprocessing.",
        discussion: "A weights file whose name is one of a model's known files gets that file's preset (v2 weights resize to 232, not 256); --weights-preset chooses one for a renamed file.")

    @Flag(help: "Print one JSON object: every model with its known weights and presets.")
    var json = false

    func run() throws {
        let resolver = WeightsResolver(allowDownload: false)
        if json {
            let models = ModelCatalog.all.map { entry -> [String: Any] in
                let weights = entry.knownWeights.map { known -> [String: Any] in
                    let p = known.preset ?? entry.preset
                    return [
                        "version": known.version, "file": known.fileName, "parameters": known.parameters as Any,
                        "resize": p.resizeSize, "crop": p.cropSize, "interpolation": p.interpolation.rawValue, "mean": p.mean,
                        "std": p.std,
                    ]
                }
                return ["name": entry.name, "summary": entry.summary, "weights": weights]
            }
            let object: [String: Any] = ["models": models, "missing_torchvision_models": ModelCatalog.missingTorchvisionModels]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        for entry in ModelCatalog.all {
            let found = (try? resolver.resolve(entry, explicit: nil))?.path ?? "not found locally"
            print("\(entry.name)")
            print("    \(entry.summary)" + (entry.weights.parameters.map { ", \($0) parameters" } ?? ""))
            for known in entry.knownWeights {
                let p = known.preset ?? entry.preset
                print("    \(known.version): \(known.fileName), resize \(p.resizeSize) (\(p.interpolation.rawValue)), crop \(p.cropSize), mean \(p.mean), std \(p.std)")
            }
            print("    default weights: \(found)" + (entry.weights.url.map { "\n    from: \($0)" } ?? ""))
        }
        print("Weights are looked for in: " + resolver.searchFolders().map(\.path).joined(separator: ", "))
        let missing = ModelCatalog.missingTorchvisionModels
        print("torchvision's list_models() has \(torchvisionWeights.count) classifiers; not yet here (\(missing.count)): \(missing.joined(separator: ", "))")
    }
}
