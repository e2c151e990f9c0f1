import Foundation
import XCTest

/// Runs python/tests (pytest, in the repo's .venv-test) so that `swift test` stays the single runner.
///
/// The Python tests drive the Ray predictor (python/batchvision over libBatchVisionC) and sharded
/// `batchvision classify` processes, and compare their rows with the CLI's. They use the CLI and the
/// library from this build (`.build/release` or `.build/debug`, matching this test's configuration),
/// unless BATCHVISION_CLI / BATCHVISION_LIBRARY say otherwise.
final class PythonPackageTests: XCTestCase {
    /// The repository root: this file is Tests/PythonPackageTests/PythonPackageTests.swift.
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    #if DEBUG
    private let configuration = "debug"
    #else
    private let configuration = "release"
    #endif

    func testPythonPackage() throws {
        let python = root.appendingPathComponent(".venv-test/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("no \(python); `make test-venv` creates it")
        }
        guard try run(python, ["-c", "import ray.data, pytest, pyarrow"]).status == 0 else {
            throw XCTSkip("Ray or pytest missing in .venv-test; `make test-venv` installs \"ray[data]\" and pytest")
        }
        let result = try run(python, ["-m", "pytest", "python/tests", "-q", "-x", "-p", "no:cacheprovider"])
        print(result.output)
        XCTAssertEqual(result.status, 0, "pytest python/tests failed:\n\(result.output.suffix(6000))")
    }

    /// Runs a command in the repo root with the build's paths in the environment; returns status and output.
    private func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        if environment["BATCHVISION_BUILD_DIR"] == nil {
            environment["BATCHVISION_BUILD_DIR"] = root.appendingPathComponent(".build/\(configuration)").path
        }
        environment["PYTHONPATH"] = root.appendingPathComponent("python").path
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // Read before waiting: a full pipe would block pytest forever.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
