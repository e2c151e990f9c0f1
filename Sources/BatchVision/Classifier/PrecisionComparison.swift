import Foundation

/// fp32 and a faster precision run on the same images: `batchvision compare-precision`.
///
/// ```
///  inputs ─► chunk of 256 ─┬─► ImageStream (fp32 classifier) ─► logits ─┬─► PrecisionAgreement
///                          └─► ImageStream (fast classifier) ─► logits ─┘
/// ```
/// Both classifiers decode the same files with the same preprocessing, so they see identical tensors.
/// Decoding twice costs far less than the fp32 model does, and chunks keep memory bounded whatever the
/// number of inputs; they also interleave the two precisions, so their timings share the machine's mood.
public final class PrecisionComparison {
    /// What a comparison found.
    public struct Result: Sendable {
        public var agreement = PrecisionAgreement()
        /// Inputs either precision could not read or decode, with the reason; left out of the agreement.
        public var failures: [(path: String, error: String)] = []
        /// Seconds each precision spent in the model (decoding excluded), over the same images.
        public var exactInferSeconds = 0.0
        public var fastInferSeconds = 0.0
    }

    public let locations: [String]
    /// The fp32 classifier and the one at the fast precision, same model, weights and preprocessing.
    public let exact: Classifier
    public let fast: Classifier
    /// Inputs decoded per round of both precisions.
    public var chunkSize = 256
    private let fetcher: any ByteFetcher

    /// Lists the inputs and loads the model twice, once at fp32 and once at `precision`.
    ///
    /// - Throws: ``PrecisionComparisonError`` when `precision` is fp32 or this CPU would not run it
    ///   natively (oneDNN would quietly run fp32, and the comparison would be of fp32 with itself).
    public init(inputs: InputSelection, classifier: ClassifierConfiguration, precision: Precision) throws {
        guard precision != .fp32 else { throw PrecisionComparisonError.sameAsReference }
        guard CPUCapabilities.nativePrecisions.contains(precision) else {
            throw PrecisionComparisonError.notNative(precision, isa: CPUCapabilities.isa)
        }
        let listed = try inputs.list()
        guard !listed.locations.isEmpty else { throw InputError.emptySelection }
        locations = listed.locations
        fetcher = listed.s3?.fetcher() ?? LocalFileFetcher()
        var configuration = classifier
        configuration.precision = .fp32
        exact = try Classifier(configuration)
        configuration.precision = precision
        fast = try Classifier(configuration)
    }

    /// Runs every input at both precisions; `progress` gets the number of inputs done after each chunk.
    public func run(progress: (Int) -> Void = { _ in }) throws -> Result {
        var result = Result()
        for start in stride(from: 0, to: locations.count, by: max(1, chunkSize)) {
            let chunk = Array(locations[start..<min(start + max(1, chunkSize), locations.count)])
            let (exactRows, exactSeconds) = try rows(exact, chunk)
            let (fastRows, fastSeconds) = try rows(fast, chunk)
            result.exactInferSeconds += exactSeconds
            result.fastInferSeconds += fastSeconds
            for (a, b) in zip(exactRows, fastRows) {
                guard let x = a.logits, let y = b.logits else {
                    result.failures.append((a.path, a.error ?? b.error ?? "no logits"))
                    continue
                }
                result.agreement.record(path: a.path, exact: x, fast: y)
            }
            progress(start + chunk.count)
        }
        return result
    }

    /// One row with logits per location of `chunk`, in order, and the seconds spent in the model.
    private func rows(_ classifier: Classifier, _ chunk: [String]) throws -> ([PredictionRow], Double) {
        let stream = ImageStream(
            locations: chunk, classifier: classifier, decoder: classifier.decoder(DecodeOptions(), fastDecode: false),
            fetcher: fetcher)
        stream.includeLogits = true
        var rows: [PredictionRow] = []
        let times = try stream.run { rows += $0 }
        return (rows, times.infer)
    }
}

/// Why a precision comparison cannot run.
public enum PrecisionComparisonError: UserFacingError, Equatable {
    case sameAsReference
    case notNative(Precision, isa: String)

    public var message: String {
        switch self {
        case .sameAsReference: "compare-precision compares fp32 with a faster precision, and fp32 was given"
        case .notNative(let precision, let isa):
            "this CPU has no native \(precision.rawValue) (oneDNN uses \(isa)): --precision \(precision.rawValue) would quietly "
                + "run fp32, so there is nothing to compare"
        }
    }

    public var hint: String? {
        switch self {
        case .sameAsReference: "pass --precision bf16 (the default)"
        case .notNative: "run it on a CPU with avx512_bf16 or AMX; `batchvision system` shows what this one has"
        }
    }
}
