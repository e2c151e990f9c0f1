import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// Hostile and broken input gives a typed one-line error, never a crash or a partial image.
final class CorruptInputTests: XCTestCase {
    let decoder = ImageDecoder()

    func decodeError(_ bytes: [UInt8]) -> ImageDecodingError? {
        do {
            _ = try decoder.decode(bytes)
            return nil
        } catch {
            XCTAssertFalse(error.message.contains("\n"))
            return error
        }
    }

    func testEmptyAndNonImageInput() throws {
        XCTAssertEqual(decodeError([]), .empty)
        XCTAssertEqual(decodeError(Array("hello, this is text\n".utf8)), .notAnImage)
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let textJPG = dir.appendingPathComponent("notes.jpg")
        try Data("just some text, named .jpg".utf8).write(to: textJPG)
        XCTAssertThrowsError(try decoder.decode(contentsOf: textJPG)) { error in
            XCTAssertEqual(error as? ImageDecodingError, .notAnImage)
            XCTAssertEqual((error as? ImageDecodingError)?.message, "not an image (unrecognised file signature)")
        }
        let empty = dir.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        XCTAssertThrowsError(try decoder.decode(contentsOf: empty)) { XCTAssertEqual($0 as? ImageDecodingError, .empty) }
        XCTAssertThrowsError(try decoder.decode(contentsOf: dir.appendingPathComponent("missing.jpg"))) { error in
            guard case .unreadable = error as? ImageDecodingError else { return XCTFail("\(error)") }
        }
    }

    func testUnsupportedFormatsAreNamed() {
        let ico: [UInt8] = [0, 0, 1, 0, 1, 0] + [UInt8](repeating: 0, count: 16)
        let psd = Array("8BPS".utf8) + [UInt8](repeating: 0, count: 30)
        let qoi = Array("qoif".utf8) + [UInt8](repeating: 0, count: 20)
        XCTAssertEqual(decodeError(ico), .unsupportedFormat("ICO"))
        XCTAssertEqual(decodeError(ico)?.message, "unsupported format: ICO")
        XCTAssertEqual(decodeError(psd)?.message, "unsupported format: PSD")
        XCTAssertEqual(decodeError(qoi)?.message, "unsupported format: QOI")
    }

    /// Tiny, broken BMP, GIF and TIFF files are decoded formats now: a typed error, never "unsupported".
    func testBrokenBMPGIFTIFFAreCorruptNotUnsupported() {
        let gif = Array("GIF89a".utf8) + [1, 0, 1, 0, 0, 0, 0, 0x3B]
        let bmp = Array("BM".utf8) + [UInt8](repeating: 0, count: 60)
        let tiff: [UInt8] = [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0, 0, 0]
        for bytes in [gif, bmp, tiff] {
            guard let error = decodeError(bytes) else { return XCTFail("decoded \(bytes.prefix(4))") }
            if case .unsupportedFormat = error { XCTFail(error.message) }
        }
    }

    /// Truncations at many points: where Pillow still decodes (a cut inside IEND's CRC, say)
    /// we must give its pixels; where it fails, a typed error.
    func testTruncatedFilesFailWherePillowFails() throws {
        let cases = try GeneratedCases("seeds")
        defer { cases.remove() }
        var cut: [URL] = []
        for file in cases.files {
            let bytes = try [UInt8](Data(contentsOf: file))
            for keep in Set([bytes.count - 1, bytes.count - 2, bytes.count - 12, bytes.count - 20, bytes.count / 2, 40, 8, 3]) {
                let url = cases.directory.appendingPathComponent("cut\(keep)_\(file.lastPathComponent)")
                try Data(bytes.prefix(keep)).write(to: url)
                cut.append(url)
            }
        }
        let oracle = try PillowOracle(cut)
        var pillowFailures = 0
        for (url, answer) in zip(cut, oracle.answers) {
            let bytes = try [UInt8](Data(contentsOf: url))
            switch answer {
            case .image(let expected):
                do {
                    let image = try decoder.decode(bytes)
                    XCTAssert(image == expected, "\(url.lastPathComponent): \(firstDifference(image, expected))")
                } catch {
                    XCTFail("\(url.lastPathComponent): Pillow decodes it; we fail: \(error.message)")
                }
            case .error:
                pillowFailures += 1
                XCTAssertNotNil(decodeError(bytes), "\(url.lastPathComponent): Pillow fails, we decode it")
            }
        }
        XCTAssertGreaterThan(pillowFailures, cut.count / 2)
        let jpeg = try [UInt8](Data(contentsOf: cases.directory.appendingPathComponent("seed.jpg")))
        XCTAssertEqual(decodeError(Array(jpeg.dropLast(2))), .truncated(.jpeg))  // only EOI missing: Pillow fails too
    }

    /// A PNG declaring 100000 x 100000 fails on the budget, fast, before any pixel buffer exists.
    func testPixelBudgetIsCheckedBeforeDecoding() throws {
        let huge = Self.png(width: 100_000, height: 100_000)
        let start = Date()
        XCTAssertEqual(decodeError(huge), .tooManyPixels(width: 100_000, height: 100_000, budget: 178_956_970))
        XCTAssertThrowsError(try huge.withUnsafeBytes { try decoder.info($0) })
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
        // The budget is configurable, and exactly the budget is allowed (Pillow errors only above it).
        let small = Self.png(width: 40, height: 30)
        let tight = ImageDecoder(options: DecodeOptions(pixelBudget: 1199))
        XCTAssertThrowsError(try tight.decode(small)) { XCTAssertEqual($0 as? ImageDecodingError, .tooManyPixels(width: 40, height: 30, budget: 1199)) }
        XCTAssertEqual(try ImageDecoder(options: DecodeOptions(pixelBudget: 1200)).decode(small).width, 40)
    }

    /// Tiny BMP, GIF and TIFF headers that declare huge images are refused at once, before any
    /// pixel buffer exists; with room in the budget, the same header is merely truncated.
    func testBMPGIFTIFFBudgetIsCheckedBeforeDecoding() {
        let bmp = Array("BM".utf8) + le32(0) + le32(0) + le32(54) + le32(40) + le32(60_000) + le32(60_000)
            + [1, 0, 24, 0] + [UInt8](repeating: 0, count: 24)
        let gif = Array("GIF89a".utf8) + [0x60, 0xEA, 0x60, 0xEA, 0, 0, 0] + [0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 0]
        let tiff: [UInt8] = [0x49, 0x49, 0x2A, 0, 8, 0, 0, 0, 2, 0] + [0, 1, 4, 0, 1, 0, 0, 0] + le32(60_000)
            + [1, 1, 4, 0, 1, 0, 0, 0] + le32(60_000) + le32(0)
        let start = Date()
        for (bytes, size) in [(bmp, 60_000), (gif, 60_000), (tiff, 60_000)] {
            XCTAssertEqual(decodeError(bytes), .tooManyPixels(width: size, height: size, budget: 178_956_970))
            XCTAssertThrowsError(try bytes.withUnsafeBytes { try decoder.info($0) })
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.5)
    }

    private func le32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

    func testFileSizeLimitIsCheckedBeforeReading() throws {
        let dir = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.png")
        try Data(Self.png(width: 40, height: 30)).write(to: file)
        let limited = ImageDecoder(options: DecodeOptions(maximumFileBytes: 10))
        XCTAssertThrowsError(try limited.decode(contentsOf: file)) { error in
            guard case .fileTooLarge(_, 10) = error as? ImageDecodingError else { return XCTFail("\(error)") }
        }
    }

    /// A valid gray PNG (all black) of the given size; the IDAT holds just enough zlib data for
    /// small sizes and is a token stream for huge ones, which must never be inflated.
    static func png(width: Int, height: Int) -> [UInt8] {
        func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
            let typed = Array(type.utf8) + body
            return be32(body.count) + typed + be32(Int(crc32(typed)))
        }
        let rows = width * height <= 1 << 20 ? [UInt8](repeating: 0, count: (width + 1) * height) : [0]
        let ihdr = be32(width) + be32(height) + [8, 0, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", storedZlib(rows)) + chunk("IEND", [])
    }
}

// MARK: - Tiny PNG building blocks for the tests

func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

func crc32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return ~crc
}

/// A zlib stream of stored (uncompressed) deflate blocks.
func storedZlib(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x78, 0x01]
    var blocks = stride(from: 0, to: max(data.count, 1), by: 65535).map { Array(data[$0..<min($0 + 65535, data.count)]) }
    if blocks.isEmpty { blocks = [[]] }
    for (i, block) in blocks.enumerated() {
        let n = block.count
        out += [i == blocks.count - 1 ? 1 : 0, UInt8(n & 255), UInt8(n >> 8), UInt8(~n & 255), UInt8(~n >> 8 & 255)] + block
    }
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in data { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    return out + be32(Int(b << 16 | a))
}
