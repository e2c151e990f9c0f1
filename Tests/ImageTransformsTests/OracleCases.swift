import Foundation
import ImageTransforms
import TensorCore
import TestSupport
import XCTest

/// One image the oracle prepared: the source pixels it used, and where its answer lies.
struct OracleCase {
    let name: String
    let image: RGBImage
    let expectedURL: URL
}

/// Runs a transforms oracle over many cases in one Python start, exchanging pixels through files.
enum OracleCases {
    private struct SourceSize: Decodable {
        let name: String
        let source_width: Int
        let source_height: Int
    }

    /// Sends `requests` (JSON objects with at least "name" and "source") to `script`; returns the
    /// cases with their source images loaded, in request order. `extensionOut` names the answer file.
    static func run(_ script: String, _ requests: [[String: Any]], in directory: URL, answer: String) throws -> [OracleCase] {
        let input = try JSONSerialization.data(withJSONObject: requests)
        let output = try Oracle.run(script, [directory.path], stdin: input)
        let sizes = try JSONDecoder().decode([SourceSize].self, from: output)
        return try sizes.map { size in
            let pixels = try bytes(directory.appendingPathComponent("\(size.name).in.rgb"))
            let image = RGBImage(width: size.source_width, height: size.source_height, pixels: pixels)
            return OracleCase(name: size.name, image: image, expectedURL: directory.appendingPathComponent("\(size.name).\(answer)"))
        }
    }

    static func bytes(_ url: URL) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url))
    }

    /// Little-endian float32s.
    static func floats(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// A "random:W:H:seed" source (see Tests/Oracles/transforms_images.py).
    static func random(_ width: Int, _ height: Int, seed: Int) -> String { "random:\(width):\(height):\(seed)" }
}

/// Kernel variants this CPU runs, the portable one first.
extension KernelVariant {
    static var runnable: [KernelVariant] { [.scalar, .avx2, .avx512].filter(\.isSupported) }
}

/// The first index where two arrays differ (or their common length when only the counts differ);
/// nil when they are bit-identical. memcmp first, because element loops are slow in debug builds.
func firstMismatch<T: BitwiseCopyable>(_ a: [T], _ b: [T]) -> Int? {
    let same = a.count == b.count && a.withUnsafeBytes { x in
        b.withUnsafeBytes { y in
            guard let p = x.baseAddress, let q = y.baseAddress else { return true }  // both empty
            return memcmp(p, q, x.count) == 0
        }
    }
    if same { return nil }
    return a.withUnsafeBytes { x in
        b.withUnsafeBytes { y in
            let n = min(x.count, y.count)
            let byte = (0..<n).first { x[$0] != y[$0] } ?? n
            return byte / MemoryLayout<T>.stride
        }
    }
}
