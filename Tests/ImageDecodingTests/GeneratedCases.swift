import Foundation
import TestSupport

/// Test images written at test time by `Tests/Oracles/decode_make_cases.py` (no binary goldens).
struct GeneratedCases {
    let directory: URL
    let files: [URL]

    /// Writes the case set `kind` ("formats", "exif", "draft", "seeds") into a fresh temp dir.
    init(_ kind: String) throws {
        let dir = try TestData.temporaryDirectory("decode-cases-\(kind)")
        let out = try Oracle.run("decode_make_cases.py", [dir.path, kind])
        directory = dir
        files = String(decoding: out, as: UTF8.self).split(separator: "\n").map { dir.appendingPathComponent(String($0)) }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
