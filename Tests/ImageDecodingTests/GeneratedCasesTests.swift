import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// Every mode, format and edge size we claim, generated with Pillow and judged by Pillow.
final class GeneratedCasesTests: XCTestCase {
    func testEveryGeneratedCaseMatchesPillowExactly() throws {
        let cases = try GeneratedCases("formats")
        defer { cases.remove() }
        XCTAssertGreaterThan(cases.files.count, 70)
        let oracle = try PillowOracle(cases.files)
        let decoder = ImageDecoder()
        for (file, answer) in zip(cases.files, oracle.answers) {
            let name = file.lastPathComponent
            guard case .image(let expected) = answer else {
                XCTAssertThrowsError(try decoder.decode(contentsOf: file), "Pillow fails on \(name), we decode it")
                XCTAssertTrue(name.contains("oversized"), "Pillow failed on \(name): \(answer)")
                continue
            }
            do {
                let image = try decoder.decode(contentsOf: file)
                XCTAssert(image == expected, "\(name): \(firstDifference(image, expected))")
            } catch {
                XCTFail("\(name): \(error.message)")
            }
        }
    }

    func testInfoReportsPillowModes() throws {
        let cases = try GeneratedCases("formats")
        defer { cases.remove() }
        let decoder = ImageDecoder()
        let expected: [String: (String, ImageFormat)] = [
            "jpeg_gray.jpg": ("L", .jpeg), "jpeg_cmyk_adobe.jpg": ("CMYK", .jpeg), "jpeg_q90_2x3.jpg": ("RGB", .jpeg),
            "png_gray1.png": ("1", .png), "png_gray4.png": ("L", .png), "png_gray16.png": ("I", .png),
            "png_la8.png": ("LA", .png), "png_la16.png": ("RGBA", .png), "png_rgb16.png": ("RGB", .png),
            "png_p4_trns.png": ("P", .png), "png_rgba8.png": ("RGBA", .png),
            "webp_lossy_2x3.webp": ("RGB", .webp), "webp_lossless_alpha_exact.webp": ("RGBA", .webp),
        ]
        for (name, (mode, format)) in expected {
            let info = try decoder.info(contentsOf: cases.directory.appendingPathComponent(name))
            XCTAssertEqual(info.mode, mode, name)
            XCTAssertEqual(info.format, format, name)
        }
        let tall = try decoder.info(contentsOf: cases.directory.appendingPathComponent("png_rgb_150x3000.png"))
        XCTAssertEqual(ImageInfo(format: .png, width: 150, height: 3000, mode: "RGB", exifOrientation: nil), tall)
    }

    /// The pipeline decodes from several threads at once.
    func testConcurrentDecodesAgree() throws {
        let cases = try GeneratedCases("seeds")
        defer { cases.remove() }
        let decoder = ImageDecoder()
        let reference = try cases.files.map { try decoder.decode(contentsOf: $0) }
        let lock = NSLock()
        nonisolated(unsafe) var mismatches = 0
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            let k = i % cases.files.count
            if (try? decoder.decode(contentsOf: cases.files[k])) != reference[k] { lock.withLock { mismatches += 1 } }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
