import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// Mutated files judged by Pillow: where Pillow decodes a mutant we must give its pixels, where
/// it fails we must fail. Stronger than "no crash", on a smaller, seeded sample.
///
/// `BATCHVISION_DIFF_FUZZ_COUNT` runs more mutants. Known to differ at 4000 (2 of 4000): a JPEG
/// whose EOI marker byte is damaged (Pillow decodes it when the last MCU is complete; we refuse
/// any JPEG without EOI), and a PNG whose zlib stream is damaged after the last row's data
/// (Pillow stops at the last row; libpng reads on and fails). The BMP/GIF/TIFF mutants
/// (`bgt-seeds`) agree on 4000 of 4000.
final class DifferentialFuzzTests: XCTestCase {
    static let count = Int(ProcessInfo.processInfo.environment["BATCHVISION_DIFF_FUZZ_COUNT"] ?? "") ?? 600

    func testMutantsAgreeWithPillow() throws {
        try fuzz("seeds", seed: 0x5EED_D1FF)
    }

    func testBMPGIFTIFFMutantsAgreeWithPillow() throws {
        try fuzz("bgt-seeds", seed: 0x5EED_B6F7)
    }

    /// Opt-in (`BATCHVISION_CORPUS_DIFF_FUZZ_COUNT=N`): mutants of the `pillow-images-bgt` files
    /// themselves (hostile TIFFs, G4, JPEG-in-TIFF, RLE, ...). At 3000, 2979 agree; the 21 others
    /// are damaged G4 strips whose unwritten rows Pillow fills from an uninitialised buffer (see
    /// the module docs), so this test is not in the default run.
    func testCorpusMutantsAgreeWithPillow() throws {
        let variable = "BATCHVISION_CORPUS_DIFF_FUZZ_COUNT"
        guard let count = Int(ProcessInfo.processInfo.environment[variable] ?? "") else {
            throw XCTSkip("set \(variable) to run")
        }
        let urls = try CorpusSeeds.urls(maximumBytes: 64 << 10)
        let dir = try TestData.temporaryDirectory("decode-corpus-mutants")
        defer { try? FileManager.default.removeItem(at: dir) }
        let seeds = try urls.map { try [UInt8](Data(contentsOf: $0)) }
        try fuzz("pillow-images-bgt", seeds: seeds, names: urls.map(\.lastPathComponent), in: dir, count: count, seed: 0xC0B5)
    }

    private func fuzz(_ kind: String, seed: UInt64) throws {
        let cases = try GeneratedCases(kind)
        defer { cases.remove() }
        let seeds = try cases.files.map { try [UInt8](Data(contentsOf: $0)) }
        try fuzz(
            kind, seeds: seeds, names: cases.files.map(\.lastPathComponent), in: cases.directory, count: Self.count,
            seed: seed)
    }

    private func fuzz(_ kind: String, seeds: [[UInt8]], names: [String], in directory: URL, count: Int, seed: UInt64)
        throws
    {
        var rng = SplitMix64(state: seed)
        var mutants: [URL] = []
        for i in 0..<count {
            var bytes = seeds[i % seeds.count]
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: min(4, bytes.count - 1)..<bytes.count, using: &rng)
                bytes[at] = UInt8.random(in: 0...255, using: &rng)
            }
            if Int.random(in: 0..<4, using: &rng) == 0 { bytes = Array(bytes.prefix(Int.random(in: 1...bytes.count, using: &rng))) }
            let url = directory.appendingPathComponent("mutant\(i)_\(names[i % seeds.count])")
            try Data(bytes).write(to: url)
            mutants.append(url)
        }
        let oracle = try PillowOracle(mutants)
        let decoder = ImageDecoder()
        var agree = 0
        var disagreements: [String] = []
        for (url, answer) in zip(mutants, oracle.answers) {
            let ours = Result { () throws(ImageDecodingError) in try decoder.decode(contentsOf: url) }
            switch (answer, ours) {
            case (.image(let expected), .success(let image)) where image == expected: agree += 1
            case (.error, .failure): agree += 1
            case (.image(let expected), .success(let image)): disagreements.append("\(url.lastPathComponent): pixels differ: \(firstDifference(image, expected))")
            case (.image, .failure(let error)): disagreements.append("\(url.lastPathComponent): Pillow decodes; we fail: \(error.message)")
            case (.error(let message), .success): disagreements.append("\(url.lastPathComponent): Pillow fails (\(message)); we decode")
            }
        }
        print("differential fuzz (\(kind)): \(agree) of \(mutants.count) mutants agree with Pillow")
        for line in disagreements { XCTFail(line) }
        XCTAssertEqual(agree, mutants.count)
    }
}
