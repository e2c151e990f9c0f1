import Crypto
import Foundation
import TestSupport
import XCTest

@testable import BatchVision
@testable import ImageNetModels

/// Where weights are looked for, and the download from a catalog address (served from 127.0.0.1).
final class WeightsResolverTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func testSearchOrderIsBatchVisionHomeThenTorchHub() throws {
        let resolver = WeightsResolver(
            environment: ["HOME": "/home/u", "BATCHVISION_HOME": "/bv", "TORCH_HOME": "/th"], allowDownload: false)
        XCTAssertEqual(resolver.searchFolders().map(\.path), ["/bv/weights", "/th/hub/checkpoints"])
        let defaults = WeightsResolver(environment: ["HOME": "/home/u"], allowDownload: false)
        XCTAssertEqual(
            defaults.searchFolders().map(\.path), ["/home/u/.cache/batchvision/weights", "/home/u/.cache/torch/hub/checkpoints"])

        let model = try XCTUnwrap(ModelCatalog.entry(named: "resnet18"))
        let hub = folder.appendingPathComponent("th/hub/checkpoints")
        try FileManager.default.createDirectory(at: hub, withIntermediateDirectories: true)
        try Data([1]).write(to: hub.appendingPathComponent(model.weights.fileName))
        let found = try WeightsResolver(
            environment: ["HOME": folder.path, "BATCHVISION_HOME": folder.appendingPathComponent("bv").path,
                          "TORCH_HOME": folder.appendingPathComponent("th").path],
            allowDownload: false
        ).resolve(model, explicit: nil)
        XCTAssertEqual(found.path, hub.appendingPathComponent(model.weights.fileName).path)

        XCTAssertThrowsError(
            try WeightsResolver(environment: ["HOME": folder.appendingPathComponent("empty").path], allowDownload: false)
                .resolve(model, explicit: nil)
        ) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(model.weights.fileName), message)
        }
    }

    func testDownloadIsVerifiedAndAtomic() throws {
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let served = folder.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try payload.write(to: served.appendingPathComponent("model.pth"))
        let server = try FileServer(root: served)
        defer { server.stop() }

        let digest = SHA256.hash(data: payload).map { String(format: "%02x", $0) }.joined()
        let resolver = WeightsResolver(environment: [:])
        let target = folder.appendingPathComponent("cache")
        let good = KnownWeights(fileName: "model-\(digest.prefix(8)).pth", sha256: String(digest.prefix(8)), url: nil)
        let file = try resolver.download("\(server.address)/model.pth", expecting: good, into: target)
        XCTAssertEqual(try Data(contentsOf: file), payload)

        let wrong = KnownWeights(fileName: "other-00000000.pth", sha256: "00000000", url: nil)
        XCTAssertThrowsError(try resolver.download("\(server.address)/model.pth", expecting: wrong, into: target)) {
            XCTAssertTrue("\($0)".contains("SHA-256"), "\($0)")
        }
        XCTAssertThrowsError(try resolver.download("\(server.address)/missing.pth", expecting: good, into: target)) {
            XCTAssertTrue("\($0)".contains("404"), "\($0)")
        }
        // Neither failure leaves a file behind: only the verified download is there.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target.path), [good.fileName])
    }
}

/// Python's `http.server` on an ephemeral 127.0.0.1 port, serving one folder.
private final class FileServer {
    let address: String
    private let process = Process()

    init(root: URL) throws {
        let script = """
            import functools, http.server, sys
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
            handler.func.log_message = lambda *args: None
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        process.executableURL = URL(fileURLWithPath: Oracle.python)
        process.arguments = ["-c", script, root.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        address = "http://127.0.0.1:\(String(decoding: line, as: UTF8.self))"
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
