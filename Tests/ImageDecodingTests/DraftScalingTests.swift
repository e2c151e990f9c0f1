import Foundation
import ImageDecoding
import TestSupport
import XCTest

/// `jpegMinimumShorterSide` picks Pillow's `draft("RGB", (n, n))` scale; pixels agree with Pillow's draft.
final class DraftScalingTests: XCTestCase {
    func testScaledSizesAndPixelsMatchPillowDraft() throws {
        let cases = try GeneratedCases("draft")
        defer { cases.remove() }
        var agreeing = 0, total = 0
        for minimum in [224, 100, 256] {
            let oracle = try PillowOracle(cases.files, arguments: ["--draft", "\(minimum)"])
            let decoder = ImageDecoder(options: DecodeOptions(jpegMinimumShorterSide: minimum))
            for (file, answer) in zip(cases.files, oracle.answers) {
                guard case .image(let expected) = answer else { XCTFail("Pillow failed on \(file.lastPathComponent)"); continue }
                let image = try decoder.decode(contentsOf: file)
                XCTAssertEqual(image.width, expected.width, "\(file.lastPathComponent) n=\(minimum)")
                XCTAssertEqual(image.height, expected.height, "\(file.lastPathComponent) n=\(minimum)")
                XCTAssertGreaterThanOrEqual(min(image.width, image.height), min(minimum, min(expected.width, expected.height)))
                total += 1
                if image == expected { agreeing += 1 } else { print("draft \(file.lastPathComponent) n=\(minimum): \(firstDifference(image, expected))") }
            }
        }
        print("draft: \(agreeing) of \(total) scaled decodes equal Pillow's draft pixels exactly")
        XCTAssertEqual(agreeing, total)
    }

    func testNilDecodesFullSize() throws {
        let cases = try GeneratedCases("draft")
        defer { cases.remove() }
        let file = cases.directory.appendingPathComponent("draft_2000x1500.jpg")
        let full = try ImageDecoder().decode(contentsOf: file)
        XCTAssertEqual([full.width, full.height], [2000, 1500])
        let scaled = try ImageDecoder(options: DecodeOptions(jpegMinimumShorterSide: 224)).decode(contentsOf: file)
        XCTAssertEqual([scaled.width, scaled.height], [500, 375])  // 1500 / 224 = 6: scale 1/4
    }
}
