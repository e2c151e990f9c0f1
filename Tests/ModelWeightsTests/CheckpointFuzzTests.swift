import Foundation
import ModelWeights
import TensorCore
import TestSupport
import XCTest

/// Seeded mutations of small valid files: every input must give a StateDict or a CheckpointError.
///
/// A crash, a trap or a hang fails the whole run; an allocation larger than the file allows is
/// caught by bounding every loaded tensor's element count by the input's size.
final class CheckpointFuzzTests: XCTestCase {
    func testMutatedCheckpointsNeverCrash() throws {
        var rng = SplitMix64(seed: 0x5EED_CAFE)
        var loaded = 0
        var refused = 0
        for seed in ["wrapped_state_dict.legacy.pth", "wrapped_state_dict.zip.pth", "tensors.safetensors", "crafted_ok.legacy.pth"] {
            let original = try WeightFixtures.bytes(seed)
            for _ in 0..<1_000 {
                let input = mutate(original, &rng)
                do {
                    let dict = try Checkpoint.load(bytes: input, name: "fuzz")
                    for key in dict.keys {
                        guard let tensor = dict[key] else { continue }
                        XCTAssertLessThanOrEqual(tensor.shape.elementCount, max(input.count, 1), "\(seed): \(key)")
                        _ = try tensor.floats()
                    }
                    loaded += 1
                } catch is CheckpointError {
                    refused += 1
                }
            }
        }
        XCTAssertEqual(loaded + refused, 4_000)
        XCTAssertGreaterThan(loaded, 0, "mutations should sometimes leave a loadable file")
        XCTAssertGreaterThan(refused, 0)
    }

    /// One to three edits: byte flips, truncation, insertion, or a 4/8-byte field set to a huge value.
    private func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        for _ in 0...rng.below(3) {
            guard !out.isEmpty else { break }
            let at = rng.below(out.count)
            switch rng.below(6) {
            case 0: out[at] ^= UInt8(truncatingIfNeeded: 1 << rng.below(8))
            case 1: out[at] = UInt8(truncatingIfNeeded: rng.next())
            case 2: out.removeSubrange(at...)
            case 3: out.insert(contentsOf: (0..<(1 + rng.below(8))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: at)
            case 4:
                let huge: [UInt8] = [0xFF, 0xFF, 0xFF, 0x7F]
                for i in 0..<4 where at + i < out.count { out[at + i] = huge[i] }
            default:
                for i in 0..<8 where at + i < out.count { out[at + i] = i == 7 ? 0x7F : 0xFF }
            }
        }
        return out
    }
}

