import Foundation
import ModelWeights
import TensorCore
import TestSupport
import XCTest

/// Broken and malicious files: each must fail with a one-line error that names the file and the problem.
final class HostileCheckpointTests: XCTestCase {
    func testOSSystemIsRefusedAndNeverRuns() throws {
        for name in ["evil.legacy.pth", "evil.zip.pth"] {
            let error = assertCheckpointError(try Checkpoint.load(contentsOf: WeightFixtures.url(name)))
            guard case .refusedGlobal(_, let global)? = error else { return XCTFail("\(name): \(String(describing: error))") }
            // os.system pickles as posix.system on Linux.
            XCTAssertEqual(global, "posix.system")
            XCTAssertTrue(error?.message.contains("checkpoint refers to posix.system, which a state_dict never needs") == true)
            XCTAssertTrue(error?.message.contains(name) == true)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: WeightFixtures.marker.path), "the pickled os.system ran")
    }

    func testWrongMagicNumber() throws {
        var bytes = try WeightFixtures.bytes("mixed.legacy.pth")
        bytes[5] ^= 0xFF
        let error = assertCheckpointError(try Checkpoint.load(bytes: bytes, name: "m.pth"))
        XCTAssertTrue(error?.message.contains("wrong magic number") == true, error?.message ?? "")
    }

    func testUnrecognizedFormatHasHint() throws {
        let error = assertCheckpointError(try Checkpoint.load(bytes: Array("hello, world".utf8), name: "x.bin"))
        XCTAssertEqual(error, .unrecognizedFormat(file: "x.bin"))
        XCTAssertNotNil(error?.hint)
    }

    func testTruncatedStorage() throws {
        let bytes = try WeightFixtures.bytes("mixed.legacy.pth")
        let error = assertCheckpointError(try Checkpoint.load(bytes: Array(bytes.dropLast(10)), name: "t.pth"))
        XCTAssertTrue(error?.message.contains("truncated") == true, error?.message ?? "")
    }

    func testTruncatedZip() throws {
        let bytes = try WeightFixtures.bytes("mixed.zip.pth")
        let error = assertCheckpointError(try Checkpoint.load(bytes: Array(bytes.prefix(bytes.count / 2)), name: "t.pth"))
        XCTAssertTrue(error?.message.contains("truncated") == true, error?.message ?? "")
    }

    func testCompressedZipEntry() throws {
        let error = assertCheckpointError(try Checkpoint.load(contentsOf: WeightFixtures.url("compressed.zip.pth")))
        guard case .compressedEntry(_, let entry)? = error else { return XCTFail(String(describing: error)) }
        XCTAssertTrue(entry.hasSuffix("data.pkl"), entry)
    }

    func testTorchScriptArchiveGetsHint() throws {
        let error = assertCheckpointError(try Checkpoint.load(contentsOf: WeightFixtures.url("script.pt")))
        XCTAssertEqual(error?.hint, "pass the state_dict .pth or a .safetensors")
    }

    func testCraftedSizeLies() throws {
        let cases = [
            "huge_numel.legacy.pth": "more than the file",
            "huge_sizes.legacy.pth": "reaches past its storage",
            "broadcast.legacy.pth": "more than the file's size allows",
            "big_rank.legacy.pth": "rank 100",
            "record_count.legacy.pth": "holds 1099511627776 elements",
            "past_storage.legacy.pth": "reaches past its storage",
        ]
        for (name, phrase) in cases {
            let error = assertCheckpointError(try Checkpoint.load(contentsOf: WeightFixtures.url(name)))
            XCTAssertTrue(error?.message.contains(phrase) == true, "\(name): \(error?.message ?? "")")
        }
    }

    func testDeepNestingIsBounded() throws {
        let lists: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 200_000) + [UInt8](repeating: 0x61, count: 199_999) + [0x2E]
        let tuples: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 200_000) + [0x2E]
        let marks: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x28, count: 200_000) + [0x2E]
        for bytes in [lists, tuples, marks] {
            let error = assertCheckpointError(try Checkpoint.load(bytes: bytes, name: "deep.pth"))
            XCTAssertTrue(error?.message.contains("deep.pth") == true)
        }
    }

    func testHugeDeclaredLengthsInPickle() throws {
        // BINUNICODE claiming 4 GiB, BINBYTES8 claiming 2^63, LONG4 claiming 2 GiB.
        for body: [UInt8] in [[0x58, 0xF0, 0xFF, 0xFF, 0xFF], [0x8E] + [UInt8](repeating: 0xFF, count: 7) + [0x7F], [0x8B, 0xFF, 0xFF, 0xFF, 0x7F]] {
            let error = assertCheckpointError(try Checkpoint.load(bytes: [0x80, 0x02] + body + [0x2E], name: "long.pth"))
            XCTAssertTrue(error?.message.contains("long.pth") == true)
        }
    }
}
