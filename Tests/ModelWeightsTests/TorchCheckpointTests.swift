import Foundation
import ModelWeights
import TensorCore
import TestSupport
import XCTest

/// Files torch.save wrote, in both formats, read back key by key and value by value.
final class TorchCheckpointTests: XCTestCase {
    func testMixedDTypesAndLayoutsInBothFormats() throws {
        for (name, format) in [("mixed.legacy.pth", CheckpointFormat.torchLegacy), ("mixed.zip.pth", .torchZip)] {
            let dict = try Checkpoint.load(contentsOf: WeightFixtures.url(name))
            XCTAssertEqual(dict.format, format)
            try WeightFixtures.assertMatches(dict, name)
            XCTAssertEqual(try dict["i64"]?.int64s(), [1, -2, 3, 1 << 20])
            XCTAssertEqual(try dict["bn.num_batches_tracked"]?.int64s(), [7])
            XCTAssertEqual(dict["bn.num_batches_tracked"]?.shape, Shape([]))
            XCTAssertEqual(dict["transposed"]?.isContiguous, false)
        }
    }

    func testWrappersAreUnwrapped() throws {
        for name in ["wrapped_state_dict", "wrapped_model"] {
            for suffix in [".legacy.pth", ".zip.pth"] {
                try WeightFixtures.assertMatches(try Checkpoint.load(contentsOf: WeightFixtures.url(name + suffix)), name + suffix)
            }
        }
    }

    func testResNet18StateDictInBothFormats() throws {
        for name in ["resnet18.legacy.pth", "resnet18.zip.pth"] {
            let dict = try Checkpoint.load(contentsOf: WeightFixtures.url(name))
            XCTAssertEqual(dict.count, 122)
            try WeightFixtures.assertMatches(dict, name)
        }
    }

    func testLoadFromBytesMatchesLoadFromFile() throws {
        let dict = try Checkpoint.load(bytes: try WeightFixtures.bytes("mixed.zip.pth"), name: "mixed.zip.pth")
        try WeightFixtures.assertMatches(dict, "mixed.zip.pth")
    }

    func testZip64RecordsAreRead() throws {
        try WeightFixtures.assertMatches(try Checkpoint.load(contentsOf: WeightFixtures.url("zip64.zip.pth")), "zip64.zip.pth")
    }

    func testBigEndianByteOrderRecordIsHonoured() throws {
        let dict = try Checkpoint.load(contentsOf: WeightFixtures.url("bigendian.zip.pth"))
        try WeightFixtures.assertMatches(dict, "bigendian.zip.pth")
    }

    func testCraftedLegacyFileLoads() throws {
        // The hostile files below are made by the same crafting code; this proves it writes valid files.
        try WeightFixtures.assertMatches(try Checkpoint.load(contentsOf: WeightFixtures.url("crafted_ok.legacy.pth")), "crafted_ok.legacy.pth")
    }

    func testSHA256MatchesHashlib() throws {
        let hashes = try JSONDecoder().decode([String: String].self, from: Data(contentsOf: WeightFixtures.url("hashes.json")))
        for (name, digest) in hashes {
            XCTAssertEqual(try Checkpoint.sha256(contentsOf: WeightFixtures.url(name)), digest, name)
        }
    }

    func testValidateReportsEveryProblemAtOnce() throws {
        let dict = try Checkpoint.load(contentsOf: WeightFixtures.url("resnet18.zip.pth"))
        var expected: [String: Shape] = [:]
        for key in dict.keys where !key.hasSuffix("num_batches_tracked") { expected[key] = dict[key]?.shape }
        XCTAssertNoThrow(try dict.validate(expected: expected))

        expected["fc.weight"] = Shape([10, 512])
        expected.removeValue(forKey: "fc.bias")
        for i in 0..<12 { expected["extra.\(i)"] = Shape([1]) }
        XCTAssertThrowsError(try dict.validate(expected: expected)) { error in
            guard case .mismatch(_, let missing, let unexpected, let shapes)? = error as? CheckpointError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(missing.count, 12)
            XCTAssertEqual(unexpected, ["fc.bias"])
            XCTAssertEqual(shapes, ["fc.weight: checkpoint [1000, 512] vs model [10, 512]"])
            let message = (error as? CheckpointError)?.message ?? ""
            XCTAssertTrue(message.contains("12 missing keys"), message)
            XCTAssertTrue(message.contains("… and 2 more"), message)
            XCTAssertTrue(message.contains("resnet18.zip.pth"), message)
        }
    }
}
