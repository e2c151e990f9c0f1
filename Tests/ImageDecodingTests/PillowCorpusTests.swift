import Crypto
import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// The Pillow conformance corpus (`shared/data/pillow-images`, 498 files) against `expected.csv`.
///
/// Every file Pillow 9.4 decodes must give the same RGB bytes (by SHA-256); every file Pillow
/// refuses must give a typed ``ImageDecodingError``. Known, explained differences are listed by
/// name in ``knownDifferences`` and asserted exactly: a fixed one must be removed from the list.
final class PillowCorpusTests: XCTestCase {
    /// Files on which we knowingly differ from Pillow, and why.
    static let knownDifferences: [String: String] = [:]

    func testCorpusMatchesPillow() throws {
        guard let dir = TestData.sharedData("pillow-images") else { throw XCTSkip(TestData.missing("pillow-images")) }
        let csv = try String(contentsOf: dir.appendingPathComponent("expected.csv"), encoding: .utf8)
        let rows = CSVTable.parse(csv)
        XCTAssertEqual(rows.count, 498)
        let decoder = ImageDecoder()
        var matched = 0
        var differences: [String: String] = [:]
        for row in rows {
            let name = row["file", default: ""]
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(name)))
            let result = Result { () throws(ImageDecodingError) in try decoder.decode(bytes) }
            switch (row["outcome"], result) {
            case ("ok", .success(let image)):
                let digest = SHA256.hash(data: image.pixels).map { String(format: "%02x", $0) }.joined()
                if digest == row["rgb_sha256"] && "\(image.width)x\(image.height)" == row["rgb_size"] {
                    matched += 1
                } else {
                    differences[name] = "RGB differs from Pillow (\(image.width)x\(image.height), mode \(row["pil_mode", default: ""]))"
                }
            case ("ok", .failure(let error)):
                differences[name] = "Pillow decodes it; we fail: \(error.message)"
            case (_, .success):
                differences[name] = "Pillow fails (\(row["error", default: ""])); we decode it"
            case (_, .failure):
                matched += 1  // a clean, typed error where Pillow fails too
            }
        }
        print("pillow-images: \(matched) of \(rows.count) files agree with Pillow")
        for (name, why) in differences.sorted(by: { $0.key < $1.key }) where Self.knownDifferences[name] == nil {
            XCTFail("\(name): \(why)")
        }
        for name in Self.knownDifferences.keys.sorted() where differences[name] == nil {
            XCTFail("\(name) now agrees with Pillow: remove it from knownDifferences")
        }
        XCTAssertEqual(matched + differences.count, rows.count)
    }
}
