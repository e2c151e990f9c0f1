/// Top-1 and top-5 accuracy of a labelled job, per class and overall, and its most frequent confusions.
///
/// Counts rows with a true class (`--labels-from-dirs`) that were classified; rows whose folder names no
/// class are counted apart (``unmatched``), and failed rows are not counted at all.
public struct Accuracy: Sendable, Equatable {
    /// One true class's numbers.
    public struct PerClass: Sendable, Equatable {
        public let index: Int
        public let label: String
        public internal(set) var images = 0
        public internal(set) var top1 = 0
        public internal(set) var top5 = 0
        public var top1Rate: Double { Double(top1) / Double(max(images, 1)) }
    }

    /// A (true class, predicted class) pair and how often it occurred.
    public struct Confusion: Sendable, Equatable {
        public let trueLabel: String
        public let predictedLabel: String
        public let count: Int
    }

    /// Classified rows with a true class.
    public private(set) var labelled = 0
    /// Rows whose folder matched no class of the model.
    public private(set) var unmatched = 0
    public private(set) var top1 = 0
    public private(set) var top5 = 0
    /// The `k` of "top-5": 5, or fewer when the rows carry fewer candidates (`--top-k`).
    public private(set) var k = 5
    private var classes: [Int: PerClass] = [:]
    private var confusions: [Pair: Int] = [:]

    private struct Pair: Hashable {
        let truth: Int, predicted: Int
        let trueLabel: String, predictedLabel: String
    }

    public init() {}

    /// Counts one row.
    public mutating func record(_ row: PredictionRow) {
        guard row.succeeded, let predicted = row.classIndex, let candidates = row.topKIndices else { return }
        guard let truth = row.trueIndex, let trueLabel = row.trueLabel else {
            unmatched += 1
            return
        }
        k = min(k, candidates.count)
        let hit1 = predicted == truth
        let hit5 = candidates.prefix(5).contains(truth)
        labelled += 1
        top1 += hit1 ? 1 : 0
        top5 += hit5 ? 1 : 0
        var perClass = classes[Int(truth)] ?? PerClass(index: Int(truth), label: trueLabel)
        perClass.images += 1
        perClass.top1 += hit1 ? 1 : 0
        perClass.top5 += hit5 ? 1 : 0
        classes[Int(truth)] = perClass
        if !hit1 {
            let pair = Pair(truth: Int(truth), predicted: Int(predicted), trueLabel: trueLabel, predictedLabel: row.label ?? "")
            confusions[pair, default: 0] += 1
        }
    }

    public var top1Rate: Double { Double(top1) / Double(max(labelled, 1)) }
    public var top5Rate: Double { Double(top5) / Double(max(labelled, 1)) }

    /// Every true class seen, by class index.
    public var perClass: [PerClass] { classes.values.sorted { $0.index < $1.index } }

    /// The `limit` most frequent confusions, most frequent first (ties by true, then predicted class).
    public func mostFrequentConfusions(_ limit: Int = 10) -> [Confusion] {
        confusions.sorted { ($1.value, $0.key.truth, $0.key.predicted) < ($0.value, $1.key.truth, $1.key.predicted) }
            .prefix(limit).map { Confusion(trueLabel: $0.key.trueLabel, predictedLabel: $0.key.predictedLabel, count: $0.value) }
    }

    /// The summary's lines.
    public var lines: [String] {
        guard labelled > 0 || unmatched > 0 else { return [] }
        var lines = [
            String(
                format: "accuracy on %d labelled images: top-1 %.2f%% (%d), top-%d %.2f%% (%d)", labelled, top1Rate * 100,
                top1, k, top5Rate * 100, top5)
        ]
        if unmatched > 0 { lines.append("\(unmatched) images are in folders that name none of the model's classes (no true label)") }
        let confused = mostFrequentConfusions(5).map { "\($0.trueLabel) → \($0.predictedLabel) ×\($0.count)" }
        if !confused.isEmpty { lines.append("most frequent confusions: " + confused.joined(separator: ", ")) }
        return lines
    }

    /// The summary JSON's `accuracy` object.
    public var json: [String: Any] {
        [
            "labelled": labelled, "unmatched": unmatched, "top1": top1Rate, "top5": top5Rate, "top1_count": top1,
            "top5_count": top5, "top5_k": k,
            "per_class": perClass.map {
                ["index": $0.index, "label": $0.label, "images": $0.images, "top1": $0.top1Rate, "top1_count": $0.top1, "top5_count": $0.top5]
            },
            "confusions": mostFrequentConfusions(20).map { ["true": $0.trueLabel, "predicted": $0.predictedLabel, "count": $0.count] },
        ]
    }
}
