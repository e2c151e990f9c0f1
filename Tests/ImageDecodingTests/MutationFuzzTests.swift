import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// Seeded random byte flips and truncations of small valid files: an image or a typed error,
/// never a crash or a hang.
final class MutationFuzzTests: XCTestCase {
    func testMutatedFilesGiveImageOrTypedError() throws {
        try fuzz("seeds", seed: 0xBA7C_4715_1011)
    }

    func testMutatedBMPGIFTIFFFilesGiveImageOrTypedError() throws {
        try fuzz("bgt-seeds", seed: 0xB6F7_1FF5)
    }

    /// The hostile and exotic files of `pillow-images-bgt` (G3/G4, JPEG-in-TIFF, old-style JPEG,
    /// RLE, tiles, planar) make more varied seeds than anything Pillow writes.
    func testMutatedCorpusFilesGiveImageOrTypedError() throws {
        let seeds = try CorpusSeeds.bmpGIFTIFF(maximumBytes: 64 << 10)
        try fuzz("pillow-images-bgt", seeds: seeds, seed: 0xC0B5_F022)
    }

    private func fuzz(_ kind: String, seed: UInt64) throws {
        let cases = try GeneratedCases(kind)
        defer { cases.remove() }
        try fuzz(kind, seeds: try cases.files.map { try [UInt8](Data(contentsOf: $0)) }, seed: seed)
    }

    private func fuzz(_ kind: String, seeds: [[UInt8]], seed: UInt64) throws {
        var rng = SplitMix64(state: seed)
        let decoder = ImageDecoder()
        var images = 0, errors = 0
        let start = Date()
        for i in 0..<3000 {
            var bytes = seeds[i % seeds.count]
            let flips = Int.random(in: 1...4, using: &rng)
            for _ in 0..<flips {
                // Keep the signature mostly intact so the codecs, not the sniffer, see the damage.
                let at = Int.random(in: min(4, bytes.count - 1)..<bytes.count, using: &rng)
                bytes[at] = UInt8.random(in: 0...255, using: &rng)
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { bytes = Array(bytes.prefix(Int.random(in: 1...bytes.count, using: &rng))) }
            do {
                let image = try decoder.decode(bytes)
                XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
                images += 1
            } catch {
                XCTAssertFalse(error.message.isEmpty)
                XCTAssertFalse(error.message.contains("\n"))
                errors += 1
            }
        }
        print("fuzz (\(kind)): 3000 mutations -> \(images) images, \(errors) typed errors in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        XCTAssertEqual(images + errors, 3000)
    }
}
