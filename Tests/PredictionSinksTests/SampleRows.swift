@testable import PredictionSinks

/// Rows that exercise every column shape: successes with k = 1 and 5, failures, awkward text.
enum SampleRows {
    /// Labels with the characters that break naive CSV, JSON and UTF-8 handling.
    static let labels = [
        "tench, Tinca tinca", "goldfish", "great white shark", "\"hen\"", "Ångström ☃ 🐟",
        "line\nbreak", "tab\there", "back\\slash", "crlf\r\nend", "猫",
    ]

    /// Ten rows: successes (k = 5 and k = 1), failures, unicode and separators in paths and errors.
    static func mixed(logits: Bool = false) -> [PredictionRow] {
        var rows: [PredictionRow] = [
            success("/data/imgs/ünïcödé/猫.jpg", k: 5, seed: 1),
            .failure(path: "/a,b/\"quoted\".png", error: "cannot decode: \"bad\" header,\nline 2"),
            success("dir/new\nline.jpg", k: 1, seed: 2),
            success("s3://bucket/key with spaces.jpeg", k: 5, seed: 3),
            .failure(path: "emoji/😀.webp", error: "unsupported format ☹; see \\docs"),
            success("plain.jpg", k: 5, seed: 4),
            success("crlf\r\n.png", k: 1, seed: 5),
            .failure(path: "missing.jpg", error: "no such file"),
            success("tab\t.jpg", k: 5, seed: 6),
            success("last.jpg", k: 5, seed: 7),
        ]
        // Numeric edge cases that still are plausible outputs of a float32 softmax.
        rows[5].confidence = Float.leastNonzeroMagnitude
        rows[5].topKProbs = [1, -0.0, .leastNormalMagnitude, .greatestFiniteMagnitude, 1e-5]
        rows[9].classIndex = Int32.max
        if logits {
            for index in rows.indices where rows[index].error == nil {
                rows[index].logits = logitValues(count: 1000, seed: index)
            }
        }
        return rows
    }

    /// `count` rows, one in seven failed, for volume and row-group tests.
    static func many(_ count: Int, k: Int = 5, logits: Int = 0) -> [PredictionRow] {
        (0..<count).map { index in
            if index % 7 == 3 { return .failure(path: "img/\(index).jpg", error: "decode error \(index)") }
            var row = success("img/\(index).jpg", k: k, seed: index)
            if logits > 0 { row.logits = logitValues(count: logits, seed: index) }
            return row
        }
    }

    /// A successful row with deterministic, non-round values.
    static func success(_ path: String, k: Int, seed: Int) -> PredictionRow {
        let indices = (0..<k).map { Int32((seed * 37 + $0 * 101) % 1000) }
        let probs = (0..<k).map { Float(k - $0) / Float(k * (k + 1) / 2) / 3 + Float(seed) * 1e-4 }
        return PredictionRow(
            path: path, label: labels[Int(indices[0]) % labels.count], classIndex: indices[0],
            confidence: probs[0], topKLabels: indices.map { labels[Int($0) % labels.count] },
            topKIndices: indices, topKProbs: probs)
    }

    /// Pseudo-random floats across many magnitudes (a fixed LCG, so runs are reproducible).
    static func logitValues(count: Int, seed: Int) -> [Float] {
        var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let mantissa = Float(state >> 40) / Float(1 << 24) - 0.5
            return mantissa * Float(1 << Int((state >> 20) % 12))
        }
    }
}
