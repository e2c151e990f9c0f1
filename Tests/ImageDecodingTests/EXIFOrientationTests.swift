import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// `applyEXIFOrientation` equals `ImageOps.exif_transpose(im).convert("RGB")`; the default ignores it.
final class EXIFOrientationTests: XCTestCase {
    func testOrientationsMatchExifTranspose() throws {
        let cases = try GeneratedCases("exif")
        defer { cases.remove() }
        XCTAssertEqual(cases.files.count, 24)
        let transposed = try PillowOracle(cases.files, arguments: ["--exif-transpose"])
        let plain = try PillowOracle(cases.files)
        let applying = ImageDecoder(options: DecodeOptions(applyEXIFOrientation: true))
        let ignoring = ImageDecoder()
        for (i, file) in cases.files.enumerated() {
            let name = file.lastPathComponent
            guard case .image(let rotated) = transposed.answers[i], case .image(let stored) = plain.answers[i] else {
                XCTFail("Pillow failed on \(name)")
                continue
            }
            // exif_<o>.<ext>
            let orientation = Int(name.dropFirst(5).prefix(1))
            XCTAssertEqual(try ignoring.info(contentsOf: file).exifOrientation, orientation, name)
            let applied = try applying.decode(contentsOf: file)
            XCTAssert(applied == rotated, "\(name) applied: \(firstDifference(applied, rotated))")
            let ignored = try ignoring.decode(contentsOf: file)
            XCTAssert(ignored == stored, "\(name) ignored: \(firstDifference(ignored, stored))")
            if let orientation, orientation >= 5 { XCTAssertEqual(applied.width, ignored.height, name) }
        }
    }
}
