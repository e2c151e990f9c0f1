import Foundation
import ImageDecoding
import TensorCore
import TestSupport
import XCTest

/// Pillow's answers for a batch of files, from one run of `decode_pillow_rgb.py`.
struct PillowOracle {
    /// Pillow's outcome for one file.
    enum Answer: Equatable {
        case image(RGBImage)
        case error(String)
    }

    let answers: [Answer]

    /// Runs the oracle over `files` with the given extra arguments (`--exif-transpose`, `--draft N`).
    init(_ files: [URL], arguments: [String] = []) throws {
        let dir = try TestData.temporaryDirectory("decode-oracle")
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = files.map(\.path).joined(separator: "\n")
        let out = try Oracle.run("decode_pillow_rgb.py", [dir.path] + arguments, stdin: Data(list.utf8))
        var answers: [Answer] = []
        for line in String(decoding: out, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let index = Int(parts[0]), index == answers.count else {
                throw OracleAnswerError(description: "bad oracle line: \(line)")
            }
            if parts[1] == "ok" {
                let size = parts[2].split(separator: " ").compactMap { Int($0) }
                let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent("\(index).rgb")))
                answers.append(.image(RGBImage(width: size[0], height: size[1], pixels: bytes)))
            } else {
                answers.append(.error(parts[2]))
            }
        }
        guard answers.count == files.count else {
            throw OracleAnswerError(description: "oracle answered \(answers.count) of \(files.count) files")
        }
        self.answers = answers
    }
}

/// The oracle's output could not be read.
struct OracleAnswerError: Error, CustomStringConvertible {
    let description: String
}

/// Describes the first differing pixel, for failure messages.
func firstDifference(_ a: RGBImage, _ b: RGBImage) -> String {
    guard a.width == b.width, a.height == b.height else { return "size \(a.width)x\(a.height) vs \(b.width)x\(b.height)" }
    let bad = zip(a.pixels, b.pixels).filter { $0 != $1 }.count
    guard let i = zip(a.pixels, b.pixels).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset else {
        return "identical"
    }
    let p = i / 3
    return "\(bad) bytes differ; first at (\(p % a.width), \(p / a.width)) channel \(i % 3): \(a.pixels[i]) vs \(b.pixels[i])"
}
