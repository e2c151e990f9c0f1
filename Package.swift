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
        // The C ABI (include/batchvision.h) that python/batchvision loads; scripts/build-capi links Swift in statically.
        .library(name: "BatchVisionC", type: .dynamic, targets: ["BatchVisionC"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
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
                .linkedLibrary("tiff"), .linkedLibrary("lcms2"),
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

        // MARK: - Inference engine: graph IR, reference oracle, oneDNN backend
        .target(name: "InferenceGraph", dependencies: ["TensorCore"]),
        .target(name: "ReferenceBackend", dependencies: ["TensorCore", "InferenceGraph"]),
        .systemLibrary(name: "CDNNL"),
        .target(
            name: "DNNLBackend",
            dependencies: ["TensorCore", "InferenceGraph", "CDNNL", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "ImageNetModels", dependencies: ["TensorCore", "InferenceGraph", "ModelWeights", "ImageTransforms"]
        ),

        // MARK: - Output
        .target(name: "CCompression", linkerSettings: [.linkedLibrary("zstd"), .linkedLibrary("snappy")]),
        .target(name: "PredictionSinks", dependencies: ["TensorCore", "CCompression"]),

        // MARK: - Object storage: S3 listing and GET (signed or anonymous)
        .target(
            name: "ObjectStorage",
            dependencies: [
                "TensorCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),

        // MARK: - Streaming: bounded batch buffers between decode workers and the model
        .target(name: "BatchPipeline"),

        // MARK: - Public API and CLI
        .target(
            name: "BatchVision",
            dependencies: [
                "TensorCore", "ImageDecoding", "ImageTransforms", "ModelWeights", "ImageNetModels", "InferenceGraph",
                "DNNLBackend", "ReferenceBackend", "BatchPipeline", "PredictionSinks", "ObjectStorage",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "batchvision",
            dependencies: [
                "BatchVision", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(
            name: "BatchVisionC", dependencies: ["BatchVision", .product(name: "Logging", package: "swift-log")],
            exclude: ["include"]),

        // MARK: - Benchmarks (run by scripts/bench-*, never by tests)
        .executableTarget(name: "preprocess-bench", dependencies: ["BatchVision"], path: "Benchmarks/PreprocessBench"),
        .executableTarget(
            name: "engine-bench", dependencies: ["TensorCore", "InferenceGraph", "DNNLBackend"], path: "Benchmarks/EngineBench"),

        // MARK: - Examples of the Swift API
        .executableTarget(name: "classify-folder", dependencies: ["BatchVision"], path: "Examples/ClassifyFolder"),

        // MARK: - Tests
        .target(name: "TestSupport", dependencies: ["TensorCore"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore", "TestSupport"]),
        .testTarget(
            name: "ImageDecodingTests",
            dependencies: ["ImageDecoding", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "ImageTransformsTests", dependencies: ["ImageTransforms", "ImageDecoding", "TestSupport"]),
        .testTarget(name: "ModelWeightsTests", dependencies: ["ModelWeights", "TestSupport"]),
        .testTarget(name: "InferenceGraphTests", dependencies: ["InferenceGraph", "ReferenceBackend", "TestSupport"]),
        .testTarget(name: "ReferenceBackendTests", dependencies: ["ReferenceBackend", "InferenceGraph", "TestSupport"]),
        .testTarget(
            name: "DNNLBackendTests", dependencies: ["DNNLBackend", "ReferenceBackend", "InferenceGraph", "TestSupport"]
        ),
        .testTarget(name: "ObjectStorageTests", dependencies: ["ObjectStorage", "TestSupport"]),
        .testTarget(name: "BatchPipelineTests", dependencies: ["BatchPipeline"]),
        .testTarget(
            name: "BatchVisionTests",
            dependencies: ["BatchVision", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "PredictionSinksTests", dependencies: ["PredictionSinks", "TestSupport"]),
        // Drives python/tests (pytest, in .venv-test): the Ray predictor and sharded CLI runs against the CLI.
        .testTarget(name: "PythonPackageTests"),
        .testTarget(
            name: "ImageNetModelsTests",
            dependencies: [
                "BatchVision", "ImageNetModels", "ModelWeights", "DNNLBackend", "ReferenceBackend", "InferenceGraph",
                "TestSupport",
            ]
        ),
    ]
)
