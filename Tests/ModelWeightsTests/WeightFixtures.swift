import Foundation
import ModelWeights
import TensorCore
import TestSupport
import XCTest

/// Checkpoints written by torch itself (`Tests/Oracles/weights_fixtures.py`), once per test process.
enum WeightFixtures {
    /// Where the hostile pickles' `os.system("touch ...")` would leave a file if anything ran it.
    static var marker: URL { directory.appendingPathComponent("MARKER-os-system-ran") }

    static let directory: URL = {
        do {
            let dir = try TestData.temporaryDirectory("weights-fixtures")
            try Oracle.run("weights_fixtures.py", [dir.path, dir.appendingPathComponent("MARKER-os-system-ran").path])
            // The fixtures hold ~190 MB (two resnet18 files and their expected values): remove them at exit.
            atexit { try? FileManager.default.removeItem(at: WeightFixtures.directory) }
            return dir
        } catch {
            fatalError("weights_fixtures.py failed: \(error)")
        }
    }()

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(name))) }

    /// One tensor as torch saw it.
    struct Expected: Decodable {
        let key: String
        let shape: [Int]
        let dtype: String
    }

    /// The expected keys, shapes and dtypes, and each tensor's float32 values, in state_dict order.
    static func expected(_ name: String) throws -> [(Expected, [Float])] {
        let meta = try JSONDecoder().decode([Expected].self, from: Data(contentsOf: url(name + ".expected.json")))
        let raw = try Data(contentsOf: url(name + ".expected.f32"))
        var floats = [Float](repeating: 0, count: raw.count / 4)
        _ = floats.withUnsafeMutableBytes { raw.copyBytes(to: $0) }
        var start = 0
        return meta.map { entry in
            let count = entry.shape.reduce(1, *)
            defer { start += count }
            return (entry, Array(floats[start..<start + count]))
        }
    }

    /// Asserts that `dict` holds exactly the expected tensors, bit for bit, in order.
    static func assertMatches(_ dict: StateDict, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try expected(name)
        XCTAssertEqual(dict.keys, expected.map(\.0.key), name, file: file, line: line)
        for (entry, values) in expected {
            guard let tensor = dict[entry.key] else { XCTFail("\(name): no \(entry.key)", file: file, line: line); continue }
            XCTAssertEqual(tensor.shape, Shape(entry.shape), "\(name) \(entry.key)", file: file, line: line)
            XCTAssertEqual(tensor.dtype.rawValue, entry.dtype, "\(name) \(entry.key)", file: file, line: line)
            let actual = try tensor.floats()
            // Conversions to float32 are exact or round-to-nearest like numpy's, so exact equality is the contract.
            if actual != values { assertClose(actual, values, atol: 0, "\(name) \(entry.key)", file: file, line: line) }
        }
    }
}

/// Asserts that `body` throws a ``CheckpointError`` and returns it.
@discardableResult
func assertCheckpointError(
    _ body: @autoclosure () throws -> StateDict, file: StaticString = #filePath, line: UInt = #line
) -> CheckpointError? {
    do {
        let dict = try body()
        XCTFail("expected a CheckpointError, loaded \(dict.count) tensors", file: file, line: line)
    } catch let error as CheckpointError {
        XCTAssertFalse(error.message.contains("\n"), "message must be one line: \(error.message)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected a CheckpointError, got \(error)", file: file, line: line)
    }
    return nil
}
