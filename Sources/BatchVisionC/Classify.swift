import BatchVision
import Foundation

// The two classify calls (and the output schema they and the CLI share): encoded bytes (decoded here) and decoded RGB pixels. Both run through
// `Classifier.classify(count:...)`, which decodes/preprocesses on the handle's workers and runs the
// model in chunks of its batch size.

/// Why one decoded image cannot be classified; becomes that image's error string.
struct PixelsError: Error, CustomStringConvertible {
    let description: String
}

@_cdecl("bv_classify_encoded")
public func bv_classify_encoded(
    _ classifier: OpaquePointer?, _ data: UnsafePointer<UnsafePointer<UInt8>?>?, _ sizes: UnsafePointer<Int>?,
    _ count: Int, _ topK: Int32, _ includeLogits: Int32
) -> OpaquePointer? {
    reportingErrors(nil) {
        let handle = try ClassifierHandle.from(classifier)
        guard count >= 0 else { throw CallError("count is negative") }
        guard count == 0 || (data != nil && sizes != nil) else { throw CallError("data or sizes is NULL") }
        nonisolated(unsafe) let (data, sizes) = (data, sizes)
        let decoder = handle.decoder
        return try run(handle, count: count, topK: topK, includeLogits: includeLogits) { i in
            guard let data, let sizes else { throw CallError("data or sizes is NULL") }
            guard let start = data[i] else { throw PixelsError(description: "image data is NULL") }
            return try decoder.decode(UnsafeRawBufferPointer(start: start, count: sizes[i]))
        }
    }
}

@_cdecl("bv_classify_decoded")
public func bv_classify_decoded(
    _ classifier: OpaquePointer?, _ pixels: UnsafePointer<UnsafePointer<UInt8>?>?, _ heights: UnsafePointer<Int32>?,
    _ widths: UnsafePointer<Int32>?, _ count: Int, _ topK: Int32, _ includeLogits: Int32
) -> OpaquePointer? {
    reportingErrors(nil) {
        let handle = try ClassifierHandle.from(classifier)
        guard count >= 0 else { throw CallError("count is negative") }
        guard count == 0 || (pixels != nil && heights != nil && widths != nil) else {
            throw CallError("pixels, heights or widths is NULL")
        }
        nonisolated(unsafe) let (pixels, heights, widths) = (pixels, heights, widths)
        let budget = handle.decoder.options.pixelBudget
        return try run(handle, count: count, topK: topK, includeLogits: includeLogits) { i in
            guard let pixels, let heights, let widths else { throw CallError("pixels, heights or widths is NULL") }
            let (h, w) = (Int(heights[i]), Int(widths[i]))
            guard h > 0, w > 0 else { throw PixelsError(description: "image is \(h)x\(w) pixels; height and width must be positive") }
            guard h * w <= budget else { throw PixelsError(description: "image is \(w)x\(h) pixels, over the \(budget)-pixel limit") }
            guard let start = pixels[i] else { throw PixelsError(description: "image pixels are NULL") }
            return RGBImage(width: w, height: h, pixels: Array(UnsafeBufferPointer(start: start, count: h * w * 3)))
        }
    }
}

/// Classifies under the handle's lock and boxes the predictions for C.
private func run(
    _ handle: ClassifierHandle, count: Int, topK: Int32, includeLogits: Int32,
    image: @escaping @Sendable (Int) throws -> RGBImage
) throws -> OpaquePointer {
    handle.lock.lock()
    defer { handle.lock.unlock() }
    let classes = handle.classifier.classCount
    let k = min(max(Int(topK), 1), classes)
    let rows = try handle.classifier.classify(
        count: count, topK: k, includeLogits: includeLogits != 0, workers: handle.workers, image: image)
    return ResultsBox(
        rows, k: k, classes: classes, includeLogits: includeLogits != 0, features: handle.classifier.featureCount
    ).retainedPointer()
}

/// The output schema as JSON (``PredictionSchema/json(_:)``): what the Python package builds its Arrow
/// schema from, so both write the same columns. `extras` is a bit set: 1 true labels, 2 logits, 4 embeddings.
/// The string is the library's and stays valid for the life of the process.
@_cdecl("bv_output_schema")
public func bv_output_schema(_ extras: Int32) -> UnsafePointer<CChar>? {
    SchemaStrings.shared.string(for: ExtraColumns(rawValue: Int(extras) & 7))
}

/// One interned C string per extras value (eight at most).
final class SchemaStrings: @unchecked Sendable {
    static let shared = SchemaStrings()
    private let lock = NSLock()
    private var strings: [Int: UnsafePointer<CChar>] = [:]

    func string(for extras: ExtraColumns) -> UnsafePointer<CChar>? {
        lock.withLock {
            if let s = strings[extras.rawValue] { return s }
            let s = strdup(PredictionSchema.json(extras)).map { UnsafePointer($0) }
            strings[extras.rawValue] = s
            return s
        }
    }
}
