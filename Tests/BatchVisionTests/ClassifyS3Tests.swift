import Foundation
import TestSupport
import XCTest

/// `batchvision classify s3://...` against a local moto server: the same rows as the local job.
final class ClassifyS3Tests: XCTestCase {
    private var work: URL!
    private var server: Process?
    private var serverInput: Pipe?
    private let model = ["--model", "resnet18", "--random-weights", "--batch-size", "4", "--resize", "72", "--crop", "64", "--quiet"]

    override func setUpWithError() throws {
        work = try TestData.temporaryDirectory("classify-s3")
    }

    override func tearDownWithError() throws {
        try? serverInput?.fileHandleForWriting.close()
        server?.waitUntilExit()
        try? FileManager.default.removeItem(at: work)
    }

    func testAnonymousAndSignedS3JobsGiveTheLocalJobsRows() throws {
        let inputs = try Fixture.images(in: work.appendingPathComponent("in"), count: 12, corruptEvery: 6)
        let endpoint = try startServer(files: inputs.paths)
        let local = work.appendingPathComponent("local.jsonl")
        XCTAssertEqual(try CLI.run(["classify", inputs.folder.path, "--output", local.path] + model).status, 2)
        let expected = try Fixture.jsonl(local).map(Self.withoutFolder)

        var environment = ProcessInfo.processInfo.environment
        environment["AWS_ACCESS_KEY_ID"] = "testing"
        environment["AWS_SECRET_ACCESS_KEY"] = "testing"
        environment["AWS_REGION"] = "us-east-1"
        for (name, source) in [("anonymous", "s3://anonymous@photos/set/"), ("signed", "s3://photos/set/")] {
            let out = work.appendingPathComponent("\(name).jsonl")
            let result = try CLI.run(
                ["classify", source, "--output", out.path, "--s3-endpoint", endpoint] + model, environment: environment)
            XCTAssertEqual(result.status, 2, "\(name): \(result.stderr)")
            let rows = try Fixture.jsonl(out)
            XCTAssertTrue(rows.allSatisfy { ($0["path"] as? String)?.hasPrefix("s3://photos/set/img-") ?? false }, name)
            XCTAssertEqual(NSArray(array: rows.map(Self.withoutFolder)), NSArray(array: expected), name)
        }
    }

    func testAnUnreachableEndpointIsAFatalOneLineError() throws {
        let result = try CLI.run(["classify", "s3://anonymous@photos/set/", "--output", work.appendingPathComponent("x.jsonl").path,
                                  "--s3-endpoint", "http://127.0.0.1:9"] + model)
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
    }

    // MARK: - Helpers

    /// A row with its path reduced to the file name, so local and S3 rows compare equal.
    private static func withoutFolder(_ row: [String: Any]) -> [String: Any] {
        var row = row
        row["path"] = (row["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent }
        return row
    }

    private func startServer(files: [String]) throws -> String {
        guard let python = Oracle.venvPython else { throw XCTSkip("no test venv with moto: run `make test-venv`") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestData.repositoryRoot.appendingPathComponent("Tests/Oracles/s3_photo_server.py").path, "photos", "set/"] + files
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        server = process
        serverInput = input
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) { line += byte }
        let json = try JSONSerialization.jsonObject(with: line) as? [String: String]
        guard let endpoint = json?["endpoint"] else { throw Oracle.Failure(description: "moto did not start: \(String(decoding: line, as: UTF8.self))") }
        return endpoint
    }
}
