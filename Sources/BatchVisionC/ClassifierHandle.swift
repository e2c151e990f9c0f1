import BatchVision
import Foundation

/// What a `bv_classifier *` points at: the classifier, the lock that serialises calls on it, and its decoder.
final class ClassifierHandle {
    let classifier: Classifier
    let decoder = ImageDecoder()
    /// Decode and preprocess workers: the CLI's default is one per core, as is its model's thread count.
    let workers: Int
    /// `Classifier` owns its model's buffers, so two calls on one handle must not overlap.
    let lock = NSLock()

    init(_ configuration: ClassifierConfiguration) throws {
        classifier = try Classifier(configuration)
        workers = configuration.threads
    }

    /// The handle behind a pointer from `bv_classifier_create`.
    static func from(_ pointer: OpaquePointer?) throws -> ClassifierHandle {
        guard let pointer else { throw CallError("classifier is NULL") }
        return Unmanaged<ClassifierHandle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

/// The classifier configuration the C arguments describe, as the CLI's ModelOptionGroup builds it.
func configuration(
    model: String, weights: String?, randomWeights: Bool, threads: Int32, precision: String?, batchSize: Int32,
    resize: Int32, crop: Int32, mean: UnsafePointer<Float>?, std: UnsafePointer<Float>?, embeddings: Bool,
    labels: String?, calibration: String?
) throws -> ClassifierConfiguration {
    guard !(randomWeights && weights != nil) else { throw CallError("pass either weights or random_weights, not both") }
    var c = ClassifierConfiguration()
    c.model = model
    // 0x5EED: the CLI's --random-weights seed, so both give the same predictions.
    c.weights = randomWeights ? .random(seed: 0x5EED) : .file(weights)
    if threads > 0 { c.threads = Int(threads) }
    if let precision {
        guard let p = Precision(rawValue: precision) else { throw CallError("unknown precision '\(precision)' — fp32, bf16 or int8") }
        c.precision = p
    }
    guard (c.precision == .int8) == (calibration != nil) else {
        throw CallError(calibration == nil ? "precision int8 needs a calibration file" : "a calibration file is for precision int8")
    }
    c.calibration = try calibration.map(Calibration.read(contentsOf:))
    if batchSize > 0 { c.batchSize = Int(batchSize) }
    c.preset = PresetOverrides(
        resizeSize: resize > 0 ? Int(resize) : nil, cropSize: crop > 0 ? Int(crop) : nil,
        mean: mean.map { Array(UnsafeBufferPointer(start: $0, count: 3)) },
        std: std.map { Array(UnsafeBufferPointer(start: $0, count: 3)) })
    c.embeddings = embeddings
    c.labels = labels.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    return c
}

@_cdecl("bv_classifier_create")
public func bv_classifier_create(
    _ model: UnsafePointer<CChar>?, _ weights: UnsafePointer<CChar>?, _ randomWeights: Int32, _ threads: Int32,
    _ precision: UnsafePointer<CChar>?, _ batchSize: Int32, _ resize: Int32, _ crop: Int32,
    _ mean: UnsafePointer<Float>?, _ std: UnsafePointer<Float>?, _ embeddings: Int32, _ labels: UnsafePointer<CChar>?,
    _ calibration: UnsafePointer<CChar>?
) -> OpaquePointer? {
    reportingErrors(nil) {
        LibraryLogging.bootstrapOnce()
        guard let model else { throw CallError("model is NULL") }
        let config = try configuration(
            model: String(cString: model), weights: weights.map { String(cString: $0) }, randomWeights: randomWeights != 0,
            threads: threads, precision: precision.map { String(cString: $0) }, batchSize: batchSize, resize: resize,
            crop: crop, mean: mean, std: std, embeddings: embeddings != 0, labels: labels.map { String(cString: $0) },
            calibration: calibration.map { String(cString: $0) })
        return OpaquePointer(Unmanaged.passRetained(try ClassifierHandle(config)).toOpaque())
    }
}

@_cdecl("bv_classifier_destroy")
public func bv_classifier_destroy(_ classifier: OpaquePointer?) {
    guard let classifier else { return }
    Unmanaged<ClassifierHandle>.fromOpaque(UnsafeRawPointer(classifier)).release()
}

@_cdecl("bv_classifier_class_count")
public func bv_classifier_class_count(_ classifier: OpaquePointer?) -> Int32 {
    reportingErrors(-1) { Int32(try ClassifierHandle.from(classifier).classifier.classCount) }
}

@_cdecl("bv_classifier_feature_count")
public func bv_classifier_feature_count(_ classifier: OpaquePointer?) -> Int32 {
    reportingErrors(-1) { Int32(try ClassifierHandle.from(classifier).classifier.featureCount) }
}
