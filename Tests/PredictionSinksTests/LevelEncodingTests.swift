import XCTest

@testable import PredictionSinks

/// The RLE / bit-packed hybrid: exact bytes for hand-worked cases, and a round trip through a
/// small decoder written from Encodings.md for many level sequences.
final class LevelEncodingTests: XCTestCase {
    func testBitWidthsOfTheLevelsWeUse() {
        XCTAssertEqual(LevelEncoding.bitWidth(maxLevel: 0), 0)
        XCTAssertEqual(LevelEncoding.bitWidth(maxLevel: 1), 1)
        XCTAssertEqual(LevelEncoding.bitWidth(maxLevel: 2), 2)
        XCTAssertEqual(LevelEncoding.bitWidth(maxLevel: 3), 2)
    }

    func testLongRunIsOneRLERun() {
        // header 10 << 1 = 20, then the value in one byte
        XCTAssertEqual(LevelEncoding.hybrid(Array(repeating: 1, count: 10), bitWidth: 1), [0x14, 0x01])
    }

    func testShortMixIsBitPackedLeastSignificantBitFirst() {
        // one group (header 1 << 1 | 1 = 3); values 1,0,1,1,0,0,0,1 → bits 0b1000_1101
        XCTAssertEqual(LevelEncoding.hybrid([1, 0, 1, 1, 0, 0, 0, 1], bitWidth: 1), [0x03, 0x8D])
        // two-bit values 3,0,1,2 then padding: 0b10_01_00_11 = 0x93, then 0x00
        XCTAssertEqual(LevelEncoding.hybrid([3, 0, 1, 2], bitWidth: 2), [0x03, 0x93, 0x00])
    }

    func testRunAfterLiteralsCompletesTheGroupFirst() {
        // two ones then 14 zeros: 6 zeros complete the bit-packed group, 8 remain for an RLE run
        let encoded = LevelEncoding.hybrid([1, 1, 0] + Array(repeating: 0, count: 13), bitWidth: 1)
        XCTAssertEqual(encoded, [0x03, 0x03, 0x10, 0x00])
    }

    func testLengthPrefixIsFourBytesLittleEndian() {
        // one RLE run: header 600 as a varint (0xD8 0x04), value 3; three bytes in all
        XCTAssertEqual(
            LevelEncoding.lengthPrefixed(Array(repeating: 3, count: 300), maxLevel: 3), [3, 0, 0, 0, 0xD8, 0x04, 0x03])
    }

    func testRoundTripsManySequences() throws {
        var state: UInt64 = 42
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for trial in 0..<300 {
            let maxLevel = UInt8(1 + trial % 3)  // bit widths 1, 2, 2
            var levels: [UInt8] = []
            while levels.count < next(200) {
                let value = UInt8(next(Int(maxLevel) + 1))
                levels += Array(repeating: value, count: next(4) == 0 ? next(30) + 1 : 1)
            }
            let width = LevelEncoding.bitWidth(maxLevel: maxLevel)
            let decoded = try Self.decode(
                LevelEncoding.hybrid(levels, bitWidth: width), bitWidth: width, count: levels.count)
            XCTAssertEqual(decoded, levels, "trial \(trial)")
        }
    }

    /// Decodes `count` values, failing on truncated input or padding outside the last group.
    static func decode(_ bytes: [UInt8], bitWidth: Int, count: Int) throws -> [UInt8] {
        var values: [UInt8] = []
        var position = 0
        func varint() throws -> Int {
            var result = 0
            var shift = 0
            while true {
                guard position < bytes.count else { throw DecodeError.truncated }
                let byte = bytes[position]
                position += 1
                result |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }
        while values.count < count {
            let header = try varint()
            if header & 1 == 0 {
                guard position < bytes.count else { throw DecodeError.truncated }
                values += Array(repeating: bytes[position], count: header >> 1)
                position += 1
            } else {
                let total = (header >> 1) * 8
                guard position + total * bitWidth / 8 <= bytes.count else { throw DecodeError.truncated }
                // widths 1 and 2 divide 8, so no value straddles two bytes
                for index in 0..<total {
                    let bit = index * bitWidth
                    values.append((bytes[position + bit / 8] >> (bit % 8)) & UInt8((1 << bitWidth) - 1))
                }
                position += total * bitWidth / 8
            }
        }
        guard position == bytes.count else { throw DecodeError.trailing }
        guard values.count < count + 8 else { throw DecodeError.trailing }
        return Array(values.prefix(count))
    }

    private enum DecodeError: Error { case truncated, trailing }
}
