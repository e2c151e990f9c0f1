import Foundation
import ImageDecoding
import TensorCore
import TestSupport
import XCTest

/// BMP, GIF and TIFF in every mode Pillow writes (`decode_make_cases.py bgt`), judged by Pillow.
final class BMPGIFTIFFCasesTests: XCTestCase {
    func testEveryGeneratedCaseMatchesPillowExactly() throws {
        let cases = try GeneratedCases("bgt")
        defer { cases.remove() }
        XCTAssertGreaterThan(cases.files.count, 60)
        let oracle = try PillowOracle(cases.files)
        let decoder = ImageDecoder()
        for (file, answer) in zip(cases.files, oracle.answers) {
            let name = file.lastPathComponent
            let ours = Result { () throws(ImageDecodingError) in try decoder.decode(contentsOf: file) }
            switch (answer, ours) {
            case (.image(let expected), .success(let image)):
                XCTAssert(image == expected, "\(name): \(firstDifference(image, expected))")
            case (.image, .failure(let error)): XCTFail("\(name): Pillow decodes it; we fail: \(error.message)")
            case (.error(let message), .success): XCTFail("\(name): Pillow fails (\(message)); we decode it")
            case (.error, .failure): break
            }
        }
    }

    func testInfoReportsPillowModes() throws {
        let cases = try GeneratedCases("bgt")
        defer { cases.remove() }
        let decoder = ImageDecoder()
        let expected: [String: (String, ImageFormat)] = [
            "bmp_1.bmp": ("1", .bmp), "bmp_L.bmp": ("L", .bmp), "bmp_P.bmp": ("P", .bmp), "bmp_RGB.bmp": ("RGB", .bmp),
            "dib_RGB.dib": ("RGB", .bmp), "gif_p16.gif": ("P", .gif), "tiff_RGB_raw.tif": ("RGB", .tiff),
            "tiff_I16_raw.tif": ("I;16", .tiff), "tiff_CMYK_raw.tif": ("CMYK", .tiff), "tiff_F_raw.tif": ("F", .tiff),
            "tiff_I16B_raw.tif": ("I;16B", .tiff), "tiff_LA_raw.tif": ("LA", .tiff), "tiff_P_raw.tif": ("P", .tiff),
        ]
        for (name, (mode, format)) in expected {
            let info = try decoder.info(contentsOf: cases.directory.appendingPathComponent(name))
            XCTAssertEqual(info.mode, mode, name)
            XCTAssertEqual(info.format, format, name)
        }
    }

    /// Formats Pillow reads but Ray's default extensions do not list stay a named refusal.
    func testOtherPillowFormatsStayUnsupported() {
        let ico: [UInt8] = [0, 0, 1, 0, 1, 0] + [UInt8](repeating: 0, count: 30)
        XCTAssertThrowsError(try ImageDecoder().decode(ico)) { error in
            XCTAssertEqual((error as? ImageDecodingError)?.message, "unsupported format: ICO")
        }
    }
}
