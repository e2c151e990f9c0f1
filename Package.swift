// swift-tools-version:6.0
// BatchVision: classify large image collections with pretrained ImageNet models, exactly as
// torchvision + PyTorch would, faster. Module map: ../shared/DESIGN.md (and README.md).
import PackageDescription

/// Hot C kernels are compiled for baseline x86-64; the kernels that need wider vectors carry
/// function-level `target` attributes and are picked at run time, so the binary runs anywhere.
let kernelFlags: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]

let package = Package(
    name: "BatchVision",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "batchvision", targets: ["batchvision"]),
        .library(name: "BatchVision", targets: ["BatchVision"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // MARK: - Foundation of every module
        .target(name: "TensorCore"),

        // MARK: - Images: bytes -> RGB8 -> float tensors
        .target(
            name: "CImageCodecs",
            cSettings: kernelFlags,
            linkerSettings: [
                .linkedLibrary("turbojpeg"), .linkedLibrary("png16"),
                .linkedLibrary("webp"), .linkedLibrary("webpdemux"), .linkedLibrary("z"),
            ]
        ),
        .target(name: "ImageDecoding", dependencies: ["TensorCore", "CImageCodecs"]),
        .target(name: "CImageKernels", cSettings: kernelFlags),
        .target(name: "ImageTransforms", dependencies: ["TensorCore", "CImageKernels"]),

        // MARK: - Models
        .target(
            name: "ModelWeights",
            dependencies: ["TensorCore", .product(name: "Crypto", package: "swift-crypto")]
        ),

        // MARK: - Public API and CLI
        .target(
            name: "BatchVision",
            dependencies: [
                "TensorCore", "ImageDecoding", "ImageTransforms", "ModelWeights",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "batchvision",
            dependencies: ["BatchVision", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["TensorCore"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(
            name: "ImageDecodingTests",
            dependencies: ["ImageDecoding", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "ImageTransformsTests", dependencies: ["ImageTransforms", "ImageDecoding", "TestSupport"]),
        .testTarget(name: "ModelWeightsTests", dependencies: ["ModelWeights", "TestSupport"]),
        .testTarget(name: "BatchVisionTests", dependencies: ["BatchVision", "TestSupport"]),
    ]
)
