import Crypto
import Foundation
import ImageDecoding
import TensorCore
import TestSupport
import XCTest

/// The Pillow conformance corpora against their `expected.csv`: `shared/data/pillow-images`
/// (498 JPEG, PNG and WebP files) and `shared/data/pillow-images-bgt` (225 BMP, GIF and TIFF
/// files).
///
/// Every file Pillow 9.4 decodes must give the same RGB bytes (by SHA-256); every file Pillow
/// refuses must give a typed ``ImageDecodingError``. Known, explained differences are listed by
/// name in ``knownDifferences`` and asserted exactly: a fixed one must be removed from the list.
final class PillowCorpusTests: XCTestCase {
    /// Files on which we knowingly differ from Pillow, and why (also in the module's docs).
    static let knownDifferences: [String: String] = [:]

    func testCorpusMatchesPillow() throws {
        try checkCorpus("pillow-images", count: 498)
    }

    func testBMPGIFTIFFCorpusMatchesPillow() throws {
        try checkCorpus("pillow-images-bgt", count: 225)
    }

    /// Decodes every file of the corpus `name` and compares with its `expected.csv`.
    private func checkCorpus(_ name: String, count: Int) throws {
        guard let dir = TestData.sharedData(name) else { throw XCTSkip(TestData.missing(name)) }
        let csv = try String(contentsOf: dir.appendingPathComponent("expected.csv"), encoding: .utf8)
        let rows = CSVTable.parse(csv)
        XCTAssertEqual(rows.count, count)
        let decoder = ImageDecoder()
        var tally = CorpusTally()
        for row in rows {
            let file = row["file", default: ""]
            let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(file)))
            let result = Result { () throws(ImageDecodingError) in try decoder.decode(bytes) }
            tally.record(file, format: row["magic", default: "?"], verdict: Self.verdict(row, result))
        }
        print("\(name): \(tally.matched) of \(rows.count) files agree with Pillow")
        for line in tally.summary() { print("\(name): \(line)") }
        for (file, why) in tally.differences.sorted(by: { $0.key < $1.key }) where Self.knownDifferences[file] == nil {
            XCTFail("\(file): \(why)")
        }
        for file in Self.knownDifferences.keys.sorted() where rows.contains(where: { $0["file"] == file }) {
            if tally.differences[file] == nil {
                XCTFail("\(file) now agrees with Pillow: remove it from knownDifferences")
            }
        }
        XCTAssertEqual(tally.matched + tally.differences.count, rows.count)
    }

    /// How our result for one file compares with Pillow's row.
    private static func verdict(_ row: [String: String], _ result: Result<RGBImage, ImageDecodingError>)
        -> CorpusTally.Verdict
    {
        switch (row["outcome"], result) {
        case ("ok", .success(let image)):
            let digest = SHA256.hash(data: image.pixels).map { String(format: "%02x", $0) }.joined()
            if digest == row["rgb_sha256"] && "\(image.width)x\(image.height)" == row["rgb_size"] { return .identical }
            return .differs(
                "RGB differs from Pillow (\(image.width)x\(image.height), mode \(row["pil_mode", default: ""]))")
        case ("ok", .failure(let error)):
            return .differs("Pillow decodes it; we fail: \(error.message)")
        case (_, .success):
            return .differs("Pillow fails (\(row["error", default: ""])); we decode it")
        case (_, .failure(let error)):
            // a clean, typed, one-line error where Pillow fails too
            return error.message.contains("\n") ? .differs("error is not one line") : .cleanError
        }
    }
}

/// Per-format counts of a corpus run.
struct CorpusTally {
    enum Verdict {
        case identical
        case cleanError
        case differs(String)
    }

    private(set) var counts: [String: (identical: Int, cleanError: Int, differs: Int)] = [:]
    private(set) var differences: [String: String] = [:]

    var matched: Int { counts.values.reduce(0) { $0 + $1.identical + $1.cleanError } }

    mutating func record(_ file: String, format: String, verdict: Verdict) {
        var count = counts[format, default: (0, 0, 0)]
        switch verdict {
        case .identical: count.identical += 1
        case .cleanError: count.cleanError += 1
        case .differs(let why):
            count.differs += 1
            differences[file] = why
        }
        counts[format] = count
    }

    /// One line a format: "TIFF: 90 identical, 20 clean errors, 3 differ".
    func summary() -> [String] {
        counts.keys.sorted().map { format in
            let c = counts[format, default: (0, 0, 0)]
            return "\(format): \(c.identical) identical, \(c.cleanError) clean errors, \(c.differs) differ"
        }
    }
}
