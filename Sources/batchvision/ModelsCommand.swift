import ArgumentParser
import BatchVision

/// `batchvision models`: the catalog.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List the models BatchVision can run, their preprocessing and weight files.")

    func run() throws {
        let resolver = WeightsResolver(allowDownload: false)
        for entry in ModelCatalog.all {
            let p = entry.preset
            let found = (try? resolver.resolve(entry, explicit: nil))?.path ?? "not found locally"
            print("\(entry.name)")
            print("    \(entry.summary)")
            print("    preprocessing: resize \(p.resizeSize), crop \(p.cropSize), mean \(p.mean), std \(p.std)")
            print("    weights: \(entry.weights.fileName) (\(found))" + (entry.weights.url.map { "\n    from: \($0)" } ?? ""))
        }
        print("Weights are looked for in: " + resolver.searchFolders().map(\.path).joined(separator: ", "))
    }
}
