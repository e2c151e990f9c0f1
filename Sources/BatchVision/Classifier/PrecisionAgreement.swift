import Foundation

/// How far a fast precision's predictions are from fp32's on the same images: the numbers a user needs
/// before switching a long job to bf16.
///
/// Fed one image at a time with both precisions' logits (see ``record(path:exact:fast:)``); keeps no
/// logits, so it holds a job of any size.
public struct PrecisionAgreement: Sendable {
    /// Where the largest probability change happened.
    public struct Change: Sendable {
        public var path: String
        public var classIndex: Int
        /// The class's probability at fp32 and at the fast precision.
        public var exact: Float
        public var fast: Float
        public var size: Float { abs(fast - exact) }
    }

    /// An image whose top-1 class differs.
    public struct Disagreement: Sendable {
        public var path: String
        public var exactClass: Int
        public var fastClass: Int
    }

    public private(set) var images = 0
    public private(set) var top1Agreements = 0
    /// Σ over images of |top-5 at fp32 ∩ top-5 at the fast precision| / 5.
    public private(set) var top5OverlapSum = 0.0
    public private(set) var largestChange: Change?
    /// Every image whose top-1 differs, in input order.
    public private(set) var disagreements: [Disagreement] = []

    public init() {}

    /// The share of images whose top-1 class is the same in both precisions (0...1; 1 with no images).
    public var top1Agreement: Double { images == 0 ? 1 : Double(top1Agreements) / Double(images) }

    /// Mean |top-5 ∩ top-5| / 5 (0...1; 1 with no images).
    public var top5Overlap: Double { images == 0 ? 1 : top5OverlapSum / Double(images) }

    /// Adds one image: `exact` and `fast` are its logits at fp32 and at the fast precision.
    public mutating func record(path: String, exact: [Float], fast: [Float]) {
        precondition(exact.count == fast.count && !exact.isEmpty, "logits of different lengths")
        let (p, q) = (Self.softmax(exact), Self.softmax(fast))
        let (topP, topQ) = (Self.top(p, k: 5), Self.top(q, k: 5))
        images += 1
        if topP[0] == topQ[0] {
            top1Agreements += 1
        } else {
            disagreements.append(Disagreement(path: path, exactClass: topP[0], fastClass: topQ[0]))
        }
        top5OverlapSum += Double(Set(topP).intersection(topQ).count) / Double(topP.count)
        let worst = p.indices.max { abs(p[$0] - q[$0]) < abs(p[$1] - q[$1]) } ?? 0
        if abs(p[worst] - q[worst]) > largestChange?.size ?? -1 {
            largestChange = Change(path: path, classIndex: worst, exact: p[worst], fast: q[worst])
        }
    }

    // MARK: - Steps

    /// Softmax in float32, shifted by the max (as ``Classifier/topK(_:k:)`` and PyTorch compute it).
    static func softmax(_ logits: [Float]) -> [Float] {
        let peak = logits.max() ?? 0
        let e = logits.map { expf($0 - peak) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// The indices of the `k` largest values, largest first, ties broken by the lower index.
    static func top(_ values: [Float], k: Int) -> [Int] {
        Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(k))
    }
}
