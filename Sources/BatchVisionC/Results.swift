import BatchVision
import Foundation

/// What a `bv_results *` points at: the predictions of one call, flattened into C arrays.
///
/// Flat, image-major arrays (not one struct per image) so that a ctypes caller reads a whole batch
/// with a handful of calls and `numpy.frombuffer`, instead of thousands of per-field calls.
final class ResultsBox {
    let count: Int
    let k: Int
    let classes: Int
    /// (count, k), -1 for failed images.
    let indices: UnsafeMutableBufferPointer<Int32>
    /// (count, k), NaN for failed images.
    let probabilities: UnsafeMutableBufferPointer<Float>
    /// (count, k) `strdup`ed names; nil for failed images.
    let labels: UnsafeMutableBufferPointer<UnsafePointer<CChar>?>
    /// (count) `strdup`ed messages; nil where the image succeeded.
    let errors: UnsafeMutableBufferPointer<UnsafePointer<CChar>?>
    /// (count, classes), or nil when logits were not asked for.
    let logits: UnsafeMutableBufferPointer<Float>?
    /// (count, features), 0 for failed images; nil when the classifier computes no embeddings.
    let embeddings: UnsafeMutableBufferPointer<Float>?
    let features: Int

    init(_ rows: [PredictionRow], k: Int, classes: Int, includeLogits: Bool, features: Int) {
        count = rows.count
        self.features = features
        self.k = k
        self.classes = classes
        indices = .allocate(capacity: count * k)
        indices.initialize(repeating: -1)
        probabilities = .allocate(capacity: count * k)
        probabilities.initialize(repeating: .nan)
        labels = .allocate(capacity: count * k)
        labels.initialize(repeating: nil)
        errors = .allocate(capacity: count)
        errors.initialize(repeating: nil)
        logits = includeLogits ? .allocate(capacity: count * classes) : nil
        logits?.initialize(repeating: 0)
        embeddings = features > 0 ? .allocate(capacity: count * features) : nil
        embeddings?.initialize(repeating: 0)
        for (i, row) in rows.enumerated() { fill(i, row) }
    }

    private func fill(_ i: Int, _ row: PredictionRow) {
        errors[i] = row.error.flatMap { UnsafePointer(strdup($0)) }
        let candidates = zip(row.topKIndices ?? [], zip(row.topKProbs ?? [], row.topKLabels ?? []))
        for (j, (index, (probability, label))) in candidates.prefix(k).enumerated() {
            indices[i * k + j] = index
            probabilities[i * k + j] = probability
            labels[i * k + j] = UnsafePointer(strdup(label))
        }
        if let logits, let values = row.logits, values.count == classes {
            for (j, v) in values.enumerated() { logits[i * classes + j] = v }
        }
        if let embeddings, let values = row.embedding, values.count == features {
            for (j, v) in values.enumerated() { embeddings[i * features + j] = v }
        }
    }

    deinit {
        for p in labels { free(UnsafeMutableRawPointer(mutating: p)) }
        for p in errors { free(UnsafeMutableRawPointer(mutating: p)) }
        indices.deallocate()
        probabilities.deallocate()
        labels.deallocate()
        errors.deallocate()
        logits?.deallocate()
        embeddings?.deallocate()
    }

    /// The box behind a pointer from a classify call; nil for NULL.
    static func from(_ pointer: OpaquePointer?) -> ResultsBox? {
        pointer.map { Unmanaged<ResultsBox>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }

    /// Hands the box to C; `bv_results_free` takes it back.
    func retainedPointer() -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(self).toOpaque())
    }
}

// MARK: - Accessors (NULL results read as empty)

@_cdecl("bv_results_count")
public func bv_results_count(_ results: OpaquePointer?) -> Int {
    ResultsBox.from(results)?.count ?? 0
}

@_cdecl("bv_results_top_k")
public func bv_results_top_k(_ results: OpaquePointer?) -> Int32 {
    Int32(ResultsBox.from(results)?.k ?? 0)
}

@_cdecl("bv_results_indices")
public func bv_results_indices(_ results: OpaquePointer?) -> UnsafePointer<Int32>? {
    ResultsBox.from(results)?.indices.baseAddress.map { UnsafePointer($0) }
}

@_cdecl("bv_results_probabilities")
public func bv_results_probabilities(_ results: OpaquePointer?) -> UnsafePointer<Float>? {
    ResultsBox.from(results)?.probabilities.baseAddress.map { UnsafePointer($0) }
}

@_cdecl("bv_results_labels")
public func bv_results_labels(_ results: OpaquePointer?) -> UnsafePointer<UnsafePointer<CChar>?>? {
    ResultsBox.from(results)?.labels.baseAddress.map { UnsafePointer($0) }
}

@_cdecl("bv_results_errors")
public func bv_results_errors(_ results: OpaquePointer?) -> UnsafePointer<UnsafePointer<CChar>?>? {
    ResultsBox.from(results)?.errors.baseAddress.map { UnsafePointer($0) }
}

@_cdecl("bv_results_logits")
public func bv_results_logits(_ results: OpaquePointer?) -> UnsafePointer<Float>? {
    ResultsBox.from(results)?.logits?.baseAddress.map { UnsafePointer($0) }
}

@_cdecl("bv_results_embeddings")
public func bv_results_embeddings(_ results: OpaquePointer?) -> UnsafePointer<Float>? {
    ResultsBox.from(results)?.embeddings?.baseAddress.map { UnsafePointer($0) }
}

@_cdecl("bv_results_free")
public func bv_results_free(_ results: OpaquePointer?) {
    guard let results else { return }
    Unmanaged<ResultsBox>.fromOpaque(UnsafeRawPointer(results)).release()
}
