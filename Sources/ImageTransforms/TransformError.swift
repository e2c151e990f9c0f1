import TensorCore

/// Why a preprocessing preset cannot be used.
public enum TransformError: UserFacingError, Equatable {
    case sizeOutOfRange(name: String, value: Int, maximum: Int)
    case wrongChannelCount(name: String, count: Int)
    case nonFinite(name: String, values: [Float])
    case zeroStd(channel: Int)

    public var message: String {
        switch self {
        case let .sizeOutOfRange(name, value, maximum):
            "preprocessing \(name) \(value) is outside 1...\(maximum)"
        case let .wrongChannelCount(name, count):
            "preprocessing \(name) has \(count) values; RGB needs 3"
        case let .nonFinite(name, values):
            "preprocessing \(name) \(values) contains a non-finite value"
        case let .zeroStd(channel):
            "preprocessing std is 0 for channel \(channel), which would divide by zero"
        }
    }

    public var hint: String? {
        switch self {
        case .sizeOutOfRange: "ImageNet models use resize 256 and crop 224"
        case .wrongChannelCount, .nonFinite, .zeroStd: "ImageNet values: mean 0.485,0.456,0.406 std 0.229,0.224,0.225"
        }
    }
}
