import Foundation
import TestSupport
import XCTest

/// `batchvision classify` end to end: one row per input, order, errors as rows, shards, resume, memory.
///
/// Uses ResNet-18 with seeded random weights (labels are meaningless, but deterministic), so the
/// tests need no weights file; parity with PyTorch is the engine's tests' job.
final class ClassifyJobTests: XCTestCase {
    private var work: URL!
    // 64x64 crops make ResNet-18 ~12x cheaper: these tests are about the job, not the model.
    private let model = ["--model", "resnet18", "--random-weights", "--batch-size", "4", "--resize", "72", "--crop", "64", "--quiet"]

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("classify")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    func testEveryInputGetsOneRowInOrderWithCorruptFilesAsErrors() throws {
        let inputs = try Fixture.images(in: work.appendingPathComponent("in"), count: 40, corruptEvery: 20)
        let out = work.appendingPathComponent("out.jsonl")
        let result = try CLI.run(["classify", inputs.folder.path, "--output", out.path] + model)
        XCTAssertEqual(result.status, 2, result.stderr)
        let rows = try Fixture.jsonl(out)
        XCTAssertEqual(rows.map { $0["path"] as? String }, inputs.paths)
        let failed = rows.filter { !($0["error"] is NSNull) }
        XCTAssertEqual(failed.map { $0["path"] as? String }, inputs.corrupt)
        for row in failed {
            XCTAssertTrue(row["label"] is NSNull)
            XCTAssertFalse((row["error"] as? String ?? "").isEmpty)
        }
        XCTAssertTrue(result.stderr.contains("inputs 40: 38 succeeded, 2 failed"), result.stderr)
    }

    func testShardsPartitionTheInputsAndTheirUnionIsTheFullRun() throws {
        let inputs = try Fixture.images(in: work.appendingPathComponent("in"), count: 23, corruptEvery: 0)
        let full = work.appendingPathComponent("full.jsonl")
        XCTAssertEqual(try CLI.run(["classify", inputs.folder.path, "--output", full.path] + model).status, 0)
        let shared = work.appendingPathComponent("sharded").path + "/"
        // Three concurrent workers writing into one folder, as an Indexed Job would.
        let processes = try (0..<3).map { i in
            try CLI.start(["classify", inputs.folder.path, "--output", shared, "--format", "jsonl", "--shard", "\(i)/3", "--rows-per-file", "3"] + model)
        }
        for p in processes { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        let parts = try FileManager.default.contentsOfDirectory(atPath: shared).filter { $0.hasPrefix("part-") }.sorted()
        let union = try parts.flatMap { try Fixture.jsonl(URL(fileURLWithPath: shared + $0)) }
        XCTAssertEqual(union.count, 23)
        XCTAssertEqual(NSArray(array: union), NSArray(array: try Fixture.jsonl(full)))
    }

    func testResumeAfterSIGKILLFinishesWithRowsIdenticalToAnUninterruptedRun() throws {
        let inputs = try Fixture.images(in: work.appendingPathComponent("in"), count: 60, corruptEvery: 15)
        let reference = work.appendingPathComponent("reference.jsonl")
        _ = try CLI.run(["classify", inputs.folder.path, "--output", reference.path] + model)
        let out = work.appendingPathComponent("out.jsonl")
        let args = ["classify", inputs.folder.path, "--output", out.path, "--rows-per-file", "8"] + model
        let victim = try CLI.start(args)
        let manifest = work.appendingPathComponent(".out.jsonl.parts/_manifest.json")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, Fixture.committedParts(manifest) < 2 { usleep(5000) }
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        XCTAssertEqual(victim.terminationReason, .uncaughtSignal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "the killed run must not leave a final file")

        let refused = try CLI.run(args)
        XCTAssertEqual(refused.status, 1, "rerunning without --resume must not silently restart")
        XCTAssertTrue(refused.stderr.contains("--resume"), refused.stderr)

        let resumed = try CLI.run(args + ["--resume"])
        XCTAssertEqual(resumed.status, 2, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("already done before --resume"), resumed.stderr)
        XCTAssertEqual(try Data(contentsOf: out), try Data(contentsOf: reference))
    }

    func testPeakMemoryDoesNotGrowWithTheNumberOfInputs() throws {
        let small = try Fixture.links(in: work.appendingPathComponent("small"), count: 200)
        let large = try Fixture.links(in: work.appendingPathComponent("large"), count: 2000)
        func peak(_ folder: URL) throws -> Double {
            let summary = work.appendingPathComponent("summary-\(folder.lastPathComponent).json")
            let result = try CLI.run([
                "classify", folder.path, "--output", work.appendingPathComponent("\(folder.lastPathComponent).parquet").path,
                "--summary-json", summary.path,
            ] + model)
            XCTAssertEqual(result.status, 0, result.stderr)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any]
            return json?["peak_rss_mb"] as? Double ?? 0
        }
        let (a, b) = (try peak(small), try peak(large))
        XCTAssertGreaterThan(a, 0)
        XCTAssertLessThanOrEqual(b, a * 1.10, "peak RSS \(b) MB for 2000 inputs vs \(a) MB for 200")
    }
}

/// Input folders for the job tests, made from the bundled sample photos.
enum Fixture {
    struct Inputs {
        let folder: URL
        let paths: [String]
        let corrupt: [String]
    }

    /// `count` images (copies of the samples, cycling), every `corruptEvery`-th one replaced by garbage.
    static func images(in folder: URL, count: Int, corruptEvery: Int) throws -> Inputs {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let samples = try InputListingFixture.samplePaths()
        var paths: [String] = []
        var corrupt: [String] = []
        for i in 0..<count {
            let source = URL(fileURLWithPath: samples[i % samples.count])
            let target = folder.appendingPathComponent(String(format: "img-%04d.%@", i, source.pathExtension))
            if corruptEvery > 0 && i % corruptEvery == corruptEvery - 1 {
                var bytes = try Data(contentsOf: source)
                bytes = bytes.prefix(bytes.count / 3)  // truncated
                try bytes.write(to: target)
                corrupt.append(target.path)
            } else {
                try FileManager.default.copyItem(at: source, to: target)
            }
            paths.append(target.path)
        }
        return Inputs(folder: folder, paths: paths, corrupt: corrupt)
    }

    /// `count` symbolic links to the samples (cheap large input sets).
    static func links(in folder: URL, count: Int) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let samples = try InputListingFixture.samplePaths()
        for i in 0..<count {
            let source = samples[i % samples.count]
            let ext = URL(fileURLWithPath: source).pathExtension
            try FileManager.default.createSymbolicLink(
                atPath: folder.appendingPathComponent(String(format: "img-%05d.%@", i, ext)).path, withDestinationPath: source)
        }
        return folder
    }

    static func jsonl(_ url: URL) throws -> [[String: Any]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }

    static func committedParts(_ manifest: URL) -> Int {
        guard let data = try? Data(contentsOf: manifest),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return 0 }
        return (json["parts"] as? [Any])?.count ?? 0
    }
}
