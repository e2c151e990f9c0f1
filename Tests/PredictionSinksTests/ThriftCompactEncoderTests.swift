import XCTest

@testable import PredictionSinks

/// Byte-exact checks of the compact protocol against hand-worked examples from its spec.
final class ThriftCompactEncoderTests: XCTestCase {
    private struct Fields: ThriftStruct {
        let write: (inout ThriftCompactEncoder) -> Void
        func encode(to encoder: inout ThriftCompactEncoder) { write(&encoder) }
    }

    private func encode(_ write: @escaping (inout ThriftCompactEncoder) -> Void) -> [UInt8] {
        ThriftCompactEncoder.encode(Fields(write: write))
    }

    func testVarintsUseSevenBitsPerByteLeastSignificantFirst() {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]), (1, [0x01]), (127, [0x7F]), (128, [0x80, 0x01]), (300, [0xAC, 0x02]),
            (16_384, [0x80, 0x80, 0x01]),
            (UInt64.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, bytes) in cases {
            var encoder = ThriftCompactEncoder()
            encoder.writeVarint(value)
            XCTAssertEqual(encoder.bytes, bytes, "varint \(value)")
        }
    }

    func testZigzagInterleavesSigns() {
        let cases: [(Int64, UInt64)] = [
            (0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (2_147_483_647, 4_294_967_294), (-2_147_483_648, 4_294_967_295),
            (Int64.max, UInt64.max - 1), (Int64.min, UInt64.max),
        ]
        for (value, code) in cases { XCTAssertEqual(ThriftCompactEncoder.zigzag(value), code, "zigzag \(value)") }
    }

    func testFieldHeadersUseDeltasUpToFifteenThenLongForm() {
        let bytes = encode {
            $0.field(1, i32: 1)  // delta 1: 0x15, zigzag(1) = 2
            $0.field(2, i32: -1)  // delta 1: 0x15, zigzag(-1) = 1
            $0.field(17, i32: 0)  // delta 15: 0xF5
            $0.field(40, i64: 3)  // delta 23: long form, type 6, zigzag(40) = 80
            $0.field(4, string: "é")  // backwards: long form, type 8, zigzag(4) = 8, length 2
        }
        XCTAssertEqual(
            bytes, [0x15, 0x02, 0x15, 0x01, 0xF5, 0x00, 0x06, 0x50, 0x06, 0x08, 0x08, 0x02, 0xC3, 0xA9, 0x00])
    }

    func testAbsentOptionalFieldsAreSkippedAndDoNotMoveTheDelta() {
        let bytes = encode {
            $0.field(1, i32: nil)
            $0.field(3, i32: 5)  // delta 3 from 0
        }
        XCTAssertEqual(bytes, [0x35, 0x0A, 0x00])
    }

    func testBooleansLiveInTheFieldHeader() {
        XCTAssertEqual(
            encode {
                $0.field(1, bool: true); $0.field(2, bool: false)
            }, [0x11, 0x12, 0x00])
    }

    func testNestedStructRestartsFieldIdsAndRestoresTheOuterCount() {
        let inner = Fields { $0.field(1, i32: 7) }
        let bytes = encode {
            $0.field(5, i32: 0)
            $0.field(6, struct: inner)  // delta 1 from 5: 0x1C; inner field 1 is delta 1 again: 0x15
            $0.field(7, i32: 0)  // delta 1 from 6, not from the inner field 1
        }
        XCTAssertEqual(bytes, [0x55, 0x00, 0x1C, 0x15, 0x0E, 0x00, 0x15, 0x00, 0x00])
    }

    func testListHeadersShortBelowFifteenElementsAndLongFromFifteen() {
        let short = encode { $0.field(1, i32s: [0, 3]) }
        XCTAssertEqual(short, [0x19, 0x25, 0x00, 0x06, 0x00])
        let long = encode { $0.field(1, strings: Array(repeating: "", count: 15)) }
        XCTAssertEqual(Array(long.prefix(3)), [0x19, 0xF8, 0x0F])
        XCTAssertEqual(long.count, 3 + 15 + 1)
    }

    func testStructListElementsEachEndWithStop() {
        let element = Fields { $0.field(1, i16: -3) }
        XCTAssertEqual(
            encode { $0.field(2, structs: [element, element]) }, [0x29, 0x2C, 0x14, 0x05, 0x00, 0x14, 0x05, 0x00, 0x00])
    }

    func testKeyValueMatchesTheParquetFieldIds() {
        XCTAssertEqual(
            ThriftCompactEncoder.encode(KeyValue(key: "k", value: "v")), [0x18, 0x01, 0x6B, 0x18, 0x01, 0x76, 0x00])
    }
}
