// A small program on BatchVision's Swift API: classify a folder and print each image's label as it comes.
//
//   swift run -c release classify-folder PHOTOS_FOLDER [MODEL]
//
// The same job as `batchvision predict FOLDER --model MODEL`, written against the library: list the inputs,
// build a classifier, and consume the rows as an async sequence, in input order.
import BatchVision
import Foundation

@main
struct ClassifyFolder {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let folder = arguments.first else {
            print("usage: classify-folder FOLDER [MODEL]  (MODEL defaults to efficientnet_lite0)")
            return
        }
        var configuration = ClassifierConfiguration()
        configuration.model = arguments.dropFirst().first ?? "efficientnet_lite0"
        configuration.batchSize = 8

        let paths = try InputListing.expand([folder])
        let classifier = try Classifier(configuration)
        let stream = ImageStream(locations: paths, classifier: classifier, decoder: ImageDecoder())
        for try await row in stream.rows() {
            if let label = row.label, let confidence = row.confidence {
                print(String(format: "%-40@ %@ (%.1f%%)", row.path, label, confidence * 100))
            } else {
                print("\(row.path): error: \(row.error ?? "unknown")")
            }
        }
    }
}
