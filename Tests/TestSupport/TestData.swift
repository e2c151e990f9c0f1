import Foundation

/// Finds the shared test data (`../shared/data` beside the checkout, or `$BATCHVISION_TEST_DATA`).
///
/// Tests that need the ImageNet photos call ``sharedData(_:)`` and skip with the returned message
/// when it is nil, so the suite still runs on a user's machine without `shared/`.
public enum TestData {
    /// The repository root (the folder holding Package.swift).
    public static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `shared/data/<relative>` if it exists.
    public static func sharedData(_ relative: String) -> URL? {
        var roots: [URL] = []
        if let env = ProcessInfo.processInfo.environment["BATCHVISION_TEST_DATA"] { roots.append(URL(fileURLWithPath: env)) }
        roots.append(repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data"))
        for root in roots {
            let url = root.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        return nil
    }

    /// Why a test skipped: printed by XCTSkip.
    public static func missing(_ relative: String) -> String {
        "shared test data '\(relative)' not found: set BATCHVISION_TEST_DATA to the shared/data folder"
    }

    /// The bundled demo photos under `Samples/`.
    public static var samples: URL { repositoryRoot.appendingPathComponent("Samples") }

    /// A fresh temporary directory, removed by the caller when done.
    public static func temporaryDirectory(_ label: String = "batchvision-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
