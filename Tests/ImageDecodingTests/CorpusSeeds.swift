import Foundation
import TestSupport
import XCTest

/// Files of the shared conformance corpora, as seeds for the fuzz tests.
enum CorpusSeeds {
    /// The files of `pillow-images-bgt` listed in its `expected.csv` and at most `maximumBytes`
    /// long, in the CSV's order; skips the test when the corpus is absent.
    static func bmpGIFTIFF(maximumBytes: Int) throws -> [[UInt8]] {
        try urls(maximumBytes: maximumBytes).map { try [UInt8](Data(contentsOf: $0)) }
    }

    /// The same files, by URL.
    static func urls(maximumBytes: Int) throws -> [URL] {
        let name = "pillow-images-bgt"
        guard let dir = TestData.sharedData(name) else { throw XCTSkip(TestData.missing(name)) }
        let csv = try String(contentsOf: dir.appendingPathComponent("expected.csv"), encoding: .utf8)
        return CSVTable.parse(csv).compactMap { row in
            guard let file = row["file"], let size = Int(row["bytes", default: ""]), size > 0, size <= maximumBytes
            else { return nil }
            return dir.appendingPathComponent(file)
        }
    }
}
