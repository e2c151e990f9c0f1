import Foundation
import ImageDecoding
import TensorCore
import TestSupport
import XCTest

/// `JPEGEncoder` round-trips through `ImageDecoder`: same size, RGB, pixels close.
///
/// JPEG is lossy, so "close" is a stated tolerance, measured per channel value (0...255) over all
/// pixels: on a smooth synthetic image at quality 90, mean |diff| <= 1.2 and max <= 8 (measured
/// 0.84 and 5); on a real photo at quality 80 (the report's setting), mean <= 3.5 (measured 2.46).
/// Chroma is 4:2:0, which is what limits the max at colour edges.
final class JPEGEncoderTests: XCTestCase {
    func testSmoothImageRoundTripsWithinTolerance() throws {
        let image = Self.gradient(width: 67, height: 45)  // odd sizes: partial MCUs at the edges
        let bytes = try JPEGEncoder(quality: 90).encode(image)
        XCTAssertEqual(Array(bytes.prefix(3)), [0xFF, 0xD8, 0xFF], "a JPEG starts with SOI")
        let info = try bytes.withUnsafeBytes { try ImageDecoder().info($0) }
        XCTAssertEqual(info.format, .jpeg)
        XCTAssertEqual(info.mode, "RGB")
        let decoded = try ImageDecoder().decode(bytes)
        XCTAssertEqual(decoded.width, 67)
        XCTAssertEqual(decoded.height, 45)
        let diff = Self.difference(image, decoded)
        XCTAssertLessThanOrEqual(diff.mean, 1.2, "mean |diff| \(diff.mean)")
        XCTAssertLessThanOrEqual(diff.max, 8, "max |diff| \(diff.max)")
    }

    func testRealPhotoAtReportQualityRoundTripsWithinTolerance() throws {
        let photo = try ImageDecoder().decode(contentsOf: TestData.samples.appendingPathComponent("chelsea.jpg"))
        let decoded = try ImageDecoder().decode(try JPEGEncoder(quality: 80).encode(photo))
        XCTAssertEqual(decoded.width, photo.width)
        XCTAssertEqual(decoded.height, photo.height)
        let diff = Self.difference(photo, decoded)
        XCTAssertLessThanOrEqual(diff.mean, 3.5, "mean |diff| \(diff.mean)")
    }

    func testHigherQualityIsLargerAndCloser() throws {
        let image = Self.gradient(width: 96, height: 64)
        let low = try JPEGEncoder(quality: 20).encode(image)
        let high = try JPEGEncoder(quality: 95).encode(image)
        XCTAssertLessThan(low.count, high.count)
        let lowDiff = Self.difference(image, try ImageDecoder().decode(low)).mean
        let highDiff = Self.difference(image, try ImageDecoder().decode(high)).mean
        XCTAssertLessThan(highDiff, lowDiff)
    }

    func testOnePixelImageAndOutOfRangeQualityStillEncode() throws {
        let pixel = RGBImage(width: 1, height: 1, pixels: [200, 30, 90])
        XCTAssertEqual(JPEGEncoder(quality: 0).quality, 1)
        XCTAssertEqual(JPEGEncoder(quality: 500).quality, 100)
        let decoded = try ImageDecoder().decode(try JPEGEncoder(quality: 500).encode(pixel))
        XCTAssertEqual(decoded.width, 1)
        XCTAssertEqual(decoded.height, 1)
        XCTAssertLessThanOrEqual(Self.difference(pixel, decoded).max, 8)
    }

    // MARK: - Helpers

    /// Smooth colour ramps: the kind of content JPEG keeps well, so the tolerance can be tight.
    static func gradient(width: Int, height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels += [UInt8(x * 255 / max(1, width - 1)), UInt8(y * 255 / max(1, height - 1)), UInt8((x + y) * 2 % 256 / 2 + 64)]
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Mean and max absolute difference over every channel value.
    static func difference(_ a: RGBImage, _ b: RGBImage) -> (mean: Double, max: Int) {
        precondition(a.pixels.count == b.pixels.count)
        var total = 0
        var worst = 0
        for (p, q) in zip(a.pixels, b.pixels) {
            let d = abs(Int(p) - Int(q))
            total += d
            worst = max(worst, d)
        }
        return (Double(total) / Double(max(1, a.pixels.count)), worst)
    }
}
