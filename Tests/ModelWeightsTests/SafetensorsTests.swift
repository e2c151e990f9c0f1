import Foundation
import ModelWeights
import TensorCore
import TestSupport
import XCTest

/// A safetensors file written by hand in Python (struct + json), read back.
final class SafetensorsTests: XCTestCase {
    func testReadsEveryTensorInHeaderOrder() throws {
        let dict = try Checkpoint.load(contentsOf: WeightFixtures.url("tensors.safetensors"))
        XCTAssertEqual(dict.format, .safetensors)
        try WeightFixtures.assertMatches(dict, "tensors.safetensors")
        XCTAssertEqual(try dict["n.count"]?.int64s(), [12])
    }

    func testDataOffsetsPastTheEndAreRejected() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1000000],"data_offsets":[0,4000000]}}"#
        let error = assertCheckpointError(try Checkpoint.load(bytes: safetensors(header, data: 16), name: "bad.safetensors"))
        XCTAssertTrue(error?.message.contains("data_offsets") == true, error?.message ?? "")
    }

    func testShapeThatDisagreesWithByteCountIsRejected() throws {
        let header = #"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#
        let error = assertCheckpointError(try Checkpoint.load(bytes: safetensors(header, data: 16), name: "bad.safetensors"))
        XCTAssertTrue(error?.message.contains("bad.safetensors") == true, error?.message ?? "")
    }

    func testHeaderLengthLargerThanFileIsRejected() throws {
        var bytes = safetensors(#"{}"#, data: 0)
        bytes.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        bytes[8] = UInt8(ascii: "{")
        let error = assertCheckpointError(try Checkpoint.load(bytes: bytes, name: "huge.safetensors"))
        XCTAssertTrue(error?.message.contains("header length") == true, error?.message ?? "")
    }

    func testDeeplyNestedHeaderIsRejected() throws {
        let header = #"{"__metadata__":"# + String(repeating: "[", count: 100_000) + "}"
        assertCheckpointError(try Checkpoint.load(bytes: safetensors(header, data: 0), name: "deep.safetensors"))
    }

    private func safetensors(_ header: String, data: Int) -> [UInt8] {
        let json = Array(header.utf8)
        var bytes: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: json.count >> (8 * $0)) }
        bytes += json
        bytes += [UInt8](repeating: 0, count: data)
        return bytes
    }
}
