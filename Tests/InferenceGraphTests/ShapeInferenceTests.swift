import InferenceGraph
import TensorCore
import TestSupport
import XCTest

final class ShapeInferenceTests: XCTestCase {
    var rng = SeededRandom(state: 3)

    func testResNetStemShapes() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 3, height: 224, width: 224)
        let y = g.conv2d(x, weight: Tensor(zeros: [64, 3, 7, 7]), stride: 2, padding: .symmetric(3))
        XCTAssertEqual(g.shape(of: y), [64, 112, 112])
        let p = g.maxPool(y, kernel: 3, stride: 2, padding: .symmetric(1))
        XCTAssertEqual(g.shape(of: p), [64, 56, 56])
        let f = g.flatten(g.adaptiveAvgPool(p))
        XCTAssertEqual(g.shape(of: f), [64])
        g.output(g.linear(f, weight: Tensor(zeros: [10, 64])))
        XCTAssertEqual(try g.build().outputShape, [10])
    }

    func testTensorFlowSamePaddingIsAsymmetric() {
        // EfficientNet-style stride-2 3x3 on 224: TF pads 0 before, 1 after.
        XCTAssertEqual(Padding.same(height: 224, width: 224, kernel: (3, 3), stride: (2, 2)), Padding(top: 0, bottom: 1, left: 0, right: 1))
        XCTAssertEqual(Padding.same(height: 7, width: 7, kernel: (5, 5), stride: (1, 1)), .symmetric(2))
    }

    func testChannelMismatchNamesTheNode() {
        let g = GraphBuilder()
        let x = g.input("x", channels: 3, height: 8, width: 8)
        g.output(g.conv2d(x, weight: Tensor(zeros: [8, 4, 3, 3]), name: "layer1.0.conv1"))
        XCTAssertThrowsError(try g.build()) { error in
            let message = (error as? GraphError)?.message ?? ""
            XCTAssertTrue(message.hasPrefix("layer1.0.conv1:"), message)
            XCTAssertTrue(message.contains("3 channels"), message)
        }
    }

    func testAddOfDifferentShapesFails() {
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 8, width: 8)
        g.output(g.add(x, g.maxPool(x, kernel: 2, stride: 2)))
        XCTAssertThrowsError(try g.build()) { error in
            XCTAssertEqual(error as? GraphError, .shapeMismatch(node: "add_2", detail: "[2, 4, 4] does not broadcast onto [2, 8, 8] (same rank, each axis equal or 1)"))
        }
    }

    func testLinearWithoutFlattenExplainsTheFix() {
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 1, width: 1)
        g.output(g.linear(x, weight: Tensor(zeros: [3, 2])))
        XCTAssertThrowsError(try g.build()) { error in
            XCTAssertTrue("\(error)".contains("flatten first"), "\(error)")
        }
    }

    func testMissingOutputIsReported() {
        let g = GraphBuilder()
        _ = g.input("x", channels: 1, height: 2, width: 2)
        XCTAssertThrowsError(try g.build())
    }

    func testWithInputSizeRecomputesShapes() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 3, height: 32, width: 32)
        g.output(g.maxPool(g.conv2d(x, weight: Tensor(zeros: [4, 3, 3, 3]), stride: 2, padding: .symmetric(1)), kernel: 2, stride: 2))
        let graph = try g.build()
        XCTAssertEqual(graph.outputShape, [4, 8, 8])
        XCTAssertEqual(try graph.withInputSize(height: 64, width: 48).outputShape, [4, 16, 12])
    }
    func testCeilModePoolingMatchesPyTorch() {
        // (input, kernel, stride, padding) -> torch.nn.functional.max_pool2d(..., ceil_mode=True)'s size
        let cases: [(Int, Int, Int, Int, Int)] = [
            (5, 2, 2, 1, 3), (10, 3, 2, 0, 5), (10, 3, 2, 1, 6), (109, 3, 2, 0, 54), (111, 3, 2, 0, 55), (112, 3, 2, 0, 56),
            (14, 2, 2, 0, 7),
        ]
        for (n, k, s, p, expected) in cases {
            let g = GraphBuilder()
            let x = g.input("x", channels: 1, height: n, width: n)
            let y = g.maxPool(x, kernel: k, stride: s, padding: .symmetric(p), ceilMode: true)
            XCTAssertEqual(g.shape(of: y), [1, expected, expected], "n=\(n) k=\(k) s=\(s) p=\(p)")
        }
    }

    func testFloorModeStaysTheDefault() {
        let g = GraphBuilder()
        let x = g.input("x", channels: 1, height: 10, width: 10)
        XCTAssertEqual(g.shape(of: g.maxPool(x, kernel: 3, stride: 2)), [1, 4, 4])
    }

    func testConcatAddsChannels() throws {
        let g = GraphBuilder()
        let x = g.input("x", channels: 3, height: 8, width: 8)
        let y = g.conv2d(x, weight: Tensor(zeros: [5, 3, 1, 1]))
        let c = g.concat([x, y, x])
        XCTAssertEqual(g.shape(of: c), [11, 8, 8])
        g.output(c)
        XCTAssertEqual(try g.build().withInputSize(height: 4, width: 6).outputShape, [11, 4, 6])
    }

    func testConcatOfDifferentSizesFails() {
        let g = GraphBuilder()
        let x = g.input("x", channels: 2, height: 8, width: 8)
        g.output(g.concat([x, g.maxPool(x, kernel: 2, stride: 2)], name: "cat"))
        XCTAssertThrowsError(try g.build()) { error in
            XCTAssertEqual(error as? GraphError, .shapeMismatch(node: "cat", detail: "concat along axis 0 needs the other sizes equal, got [2, 8, 8] and [2, 4, 4]"))
        }
    }
}
