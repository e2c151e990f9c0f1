import Foundation

/// Runs the live oracles (Pillow, torchvision, PyTorch) as Debian's Python sees them.
///
/// Scripts live in `Tests/Oracles/`. The system interpreter `/usr/bin/python3` is used on purpose:
/// Debian's `python3-pil`, `python3-torch` and `python3-torchvision` are installed for it, not for
/// a pyenv or venv Python that may come first on PATH.
public enum Oracle {
    public static let python = ProcessInfo.processInfo.environment["BATCHVISION_ORACLE_PYTHON"] ?? "/usr/bin/python3"

    /// The test virtual environment's Python (pyarrow, DuckDB, pandas, moto, Ray from PyPI), made by
    /// `make test-venv`; nil when it does not exist, and tests that need it skip.
    public static var venvPython: String? {
        let path = ProcessInfo.processInfo.environment["BATCHVISION_TEST_VENV"].map { $0 + "/bin/python" }
            ?? TestData.repositoryRoot.appendingPathComponent(".venv-test/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Runs `Tests/Oracles/<script>` with `arguments`; returns its standard output.
    @discardableResult
    public static func run(_ script: String, _ arguments: [String], stdin: Data? = nil, python: String = python) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        let path = TestData.repositoryRoot.appendingPathComponent("Tests/Oracles/\(script)").path
        process.arguments = [path] + arguments
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty oracle cannot deadlock on a full pipe.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "oracle \(script) failed (\(process.terminationStatus)): \(String(decoding: errData, as: UTF8.self))")
        }
        return outData
    }
}
