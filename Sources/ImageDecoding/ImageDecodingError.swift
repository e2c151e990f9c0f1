import TensorCore

/// Why a file did not decode. Every case has a one-line ``message``.
public enum ImageDecodingError: UserFacingError, Equatable {
    /// The input has no bytes.
    case empty
    /// The bytes start with no known image signature.
    case notAnImage
    /// The file is an image in a format this decoder does not handle (ICO, PSD, JPEG 2000, ...).
    case unsupportedFormat(String)
    /// The header declares more pixels than ``DecodeOptions/pixelBudget`` allows.
    case tooManyPixels(width: Int, height: Int, budget: Int)
    /// The file is malformed; `reason` names what and, for library failures, the C function.
    case corrupt(ImageFormat, reason: String)
    /// The file ends before its image data does.
    case truncated(ImageFormat)
    /// The file is larger than ``DecodeOptions/maximumFileBytes``.
    case fileTooLarge(bytes: Int, limit: Int)
    /// The file could not be read at all.
    case unreadable(reason: String)

    public var message: String {
        switch self {
        case .empty: "empty file (0 bytes)"
        case .notAnImage: "not an image (unrecognised file signature)"
        case .unsupportedFormat(let name): "unsupported format: \(name)"
        case .tooManyPixels(let width, let height, let budget):
            "image is \(width)x\(height) (\(width.multipliedReportingOverflow(by: height).partialValue) pixels), over the pixel budget of \(budget)"
        case .corrupt(let format, let reason): "corrupt \(format.rawValue) file: \(Self.oneLine(reason))"
        case .truncated(let format): "truncated \(format.rawValue) file: it ends before the image data does"
        case .fileTooLarge(let bytes, let limit): "file is \(bytes) bytes, over the limit of \(limit) bytes"
        case .unreadable(let reason): "cannot read file: \(Self.oneLine(reason))"
        }
    }

    public var hint: String? {
        switch self {
        case .unsupportedFormat: "convert it to JPEG, PNG, WebP, BMP, GIF or TIFF"
        case .tooManyPixels: "raise DecodeOptions.pixelBudget if the file is trusted"
        case .fileTooLarge: "raise DecodeOptions.maximumFileBytes if the file is trusted"
        default: nil
        }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
