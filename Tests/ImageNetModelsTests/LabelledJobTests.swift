import Foundation
import TestSupport
import XCTest

/// `classify --labels-from-dirs --emit embeddings` against PyTorch: the accuracy a labelled folder gives,
/// per class too, and the features before the head (`model.fc = Identity()`), through the CLI to Parquet.
final class LabelledJobTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("labelled")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// The 150 dev photos in folders named by WordNet id (`n01440764/`) or by class name (`tiger_shark/`),
    /// plus one folder that names no class; EfficientNet-Lite0's real weights.
    func testLabelledFolderAccuracyAndEmbeddingsEqualPyTorch() throws {
        guard let weights = ModelFixtures.lite0Weights, let port = ModelFixtures.lite0Port else {
            throw XCTSkip(ModelFixtures.lite0Missing)
        }
        guard let photos = TestData.sharedData("imagenet-samples") else { throw XCTSkip(TestData.missing("imagenet-samples")) }
        let truth = try labelledFolder(from: photos)
        let out = work.appendingPathComponent("out.parquet")
        let summaryFile = work.appendingPathComponent("summary.json")
        let result = try CLI.run([
            "classify", work.appendingPathComponent("val").path, "--model", "efficientnet_lite0", "--weights", weights.path,
            "--labels-from-dirs", "--emit", "embeddings", "--output", out.path, "--summary-json", summaryFile.path,
            "--report", work.appendingPathComponent("r.html").path, "--batch-size", "16", "--quiet",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("accuracy on 149 labelled images"), result.stderr)

        // What DuckDB reads back: every row, its true class and its 1280-float embedding.
        let rows = try ParquetRows.read(out)
        XCTAssertEqual(rows.count, truth.count)
        let paths = rows.map(\.path)
        let oracle = try Oracle.run(
            "models_features.py", ["efficientnet_lite0", work.path, "--port", port.path, "--weights", weights.path],
            stdin: Data(paths.joined(separator: "\n").utf8))
        let expected = try JSONSerialization.jsonObject(with: oracle) as? [String: Any] ?? [:]
        let top1 = expected["top1"] as? [Int] ?? []
        let top5 = expected["top5"] as? [[Int]] ?? []
        let features = try ModelFixtures.floats(work.appendingPathComponent("features.bin"))
        XCTAssertEqual(expected["features"] as? Int, 1280)

        var perClass: [Int: (images: Int, top1: Int)] = [:]
        var (hits1, hits5, labelled) = (0, 0, 0)
        for (i, row) in rows.enumerated() {
            XCTAssertEqual(row.trueIndex, truth[row.path] ?? nil, row.path)
            let theirs = Array(features[i * 1280..<(i + 1) * 1280])
            guard row.embedding.count == theirs.count else { return XCTFail("\(row.path): \(row.embedding.count) features") }
            let scale = theirs.map(abs).max() ?? 1
            // Stated tolerance: embeddings within 1e-4 relative, as logits are.
            XCTAssertLessThanOrEqual(maxAbsDifference(row.embedding, theirs), 1e-4 * scale, row.path)
            XCTAssertEqual(row.classIndex, top1[i], row.path)
            guard let t = row.trueIndex else { continue }
            labelled += 1
            hits1 += top1[i] == t ? 1 : 0
            hits5 += top5[i].contains(t) ? 1 : 0
            perClass[t, default: (0, 0)].images += 1
            perClass[t, default: (0, 0)].top1 += top1[i] == t ? 1 : 0
        }

        // The summary's accuracy is PyTorch's, overall and per class.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: summaryFile)) as? [String: Any] ?? [:]
        let accuracy = try XCTUnwrap(summary["accuracy"] as? [String: Any])
        XCTAssertEqual(accuracy["labelled"] as? Int, labelled)
        XCTAssertEqual(accuracy["unmatched"] as? Int, 1)
        XCTAssertEqual(accuracy["top1_count"] as? Int, hits1)
        XCTAssertEqual(accuracy["top5_count"] as? Int, hits5)
        XCTAssertGreaterThan(hits1, 120, "EfficientNet-Lite0 gets ~89% of the dev photos right")
        let classes = accuracy["per_class"] as? [[String: Any]] ?? []
        XCTAssertEqual(classes.count, perClass.count)
        for c in classes {
            let index = c["index"] as? Int ?? -1
            XCTAssertEqual(c["images"] as? Int, perClass[index]?.images, "class \(index)")
            XCTAssertEqual(c["top1_count"] as? Int, perClass[index]?.top1, "class \(index)")
        }
        let confusions = accuracy["confusions"] as? [[String: Any]] ?? []
        XCTAssertEqual(confusions.map { $0["count"] as? Int ?? 0 }.reduce(0, +), labelled - hits1)
    }

    /// ResNet-50 (random weights saved by torch) with `--no-head`: 2048-float features alone, no labels.
    func testNoHeadEmbeddingsEqualResNetFeatures() throws {
        let images = try FileManager.default.contentsOfDirectory(atPath: TestData.samples.path)
            .filter { !$0.hasSuffix(".md") }.sorted().map { TestData.samples.appendingPathComponent($0).path }
        let oracle = try Oracle.run("models_features.py", ["resnet50", work.path], stdin: Data(images.joined(separator: "\n").utf8))
        XCTAssertEqual((try JSONSerialization.jsonObject(with: oracle) as? [String: Any])?["features"] as? Int, 2048)
        let out = work.appendingPathComponent("features.parquet")
        let result = try CLI.run([
            "classify"] + images + ["--model", "resnet50", "--weights", work.appendingPathComponent("resnet50.pth").path,
            "--emit", "embeddings", "--no-head", "--output", out.path, "--batch-size", "2", "--quiet",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try ParquetRows.read(out)
        XCTAssertEqual(rows.map(\.path), images)
        let features = try ModelFixtures.floats(work.appendingPathComponent("features.bin"))
        for (i, row) in rows.enumerated() {
            XCTAssertNil(row.classIndex, "--no-head leaves the prediction columns null")
            let theirs = Array(features[i * 2048..<(i + 1) * 2048])
            guard row.embedding.count == theirs.count else { return XCTFail("\(row.path): \(row.embedding.count) features") }
            XCTAssertLessThanOrEqual(maxAbsDifference(row.embedding, theirs), 1e-4 * (theirs.map(abs).max() ?? 1), row.path)
        }
    }

    // MARK: - Fixtures

    /// `val/<wnid or class_name>/<file>` links to the dev photos; returns each link's true class index
    /// (nil for the one photo put in a folder that names no class).
    private func labelledFolder(from photos: URL) throws -> [String: Int?] {
        let csv = try String(contentsOf: photos.appendingPathComponent("labels.csv"), encoding: .utf8)
        var truth: [String: Int?] = [:]
        for (i, line) in csv.split(separator: "\n").dropFirst().enumerated() {
            let fields = line.split(separator: ",", maxSplits: 3).map(String.init)
            guard fields.count == 4, let index = Int(fields[2]) else { continue }
            let folderName = i == 0 ? "not a class" : i % 2 == 0 ? fields[1] : fields[3].replacingOccurrences(of: " ", with: "_")
            let folder = work.appendingPathComponent("val/\(folderName)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let link = folder.appendingPathComponent(fields[0])
            try FileManager.default.createSymbolicLink(at: link, withDestinationURL: photos.appendingPathComponent(fields[0]))
            truth[link.path] = i == 0 ? nil : index
        }
        return truth
    }
}

/// Rows of a Parquet file as DuckDB reads them (the venv's DuckDB: an independent reader).
struct ParquetRows {
    let path: String
    let classIndex: Int?
    let trueIndex: Int?
    let embedding: [Float]

    static func read(_ url: URL) throws -> [ParquetRows] {
        try select(["path", "class_index", "true_index", "embedding"], from: url).map { r in
            ParquetRows(
                path: r[0] as? String ?? "", classIndex: r[1] as? Int, trueIndex: r[2] as? Int,
                embedding: (r[3] as? [Double] ?? []).map(Float.init))
        }
    }

    /// `columns` of every row (NULL for a column the file lacks), as DuckDB's `read_parquet` gives them.
    static func select(_ columns: [String], from url: URL) throws -> [[Any]] {
        guard let python = Oracle.venvPython else { throw XCTSkip("no test venv with duckdb: run `make test-venv`") }
        let script = """
            import duckdb, json, sys
            con = duckdb.connect()
            names = [d[0] for d in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [sys.argv[1]]).fetchall()]
            wanted = [c if c in names else "NULL" for c in sys.argv[2:]]
            print(json.dumps(con.execute("SELECT " + ", ".join(wanted) + " FROM read_parquet(?)", [sys.argv[1]]).fetchall()))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, url.path] + columns
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONSerialization.jsonObject(with: data) as? [[Any]] ?? []
    }
}
