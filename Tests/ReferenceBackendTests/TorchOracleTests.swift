import Foundation
import InferenceGraph
import ReferenceBackend
import TensorCore
import TestSupport
import XCTest

/// ReferenceBackend vs live `torch.nn.functional` (Tests/Oracles/engine_ops.py) on small tensors.
///
/// All cases go to one oracle process (torch takes seconds to import). Tolerance: 1e-5 of the
/// largest |torch value|; only float summation order may differ.
final class TorchOracleTests: XCTestCase {
    /// One op: torch's name and parameters, its tensors ("x" is the graph input), and our graph for it.
    struct Case {
        var op: String
        var params: [String: Any]
        var tensors: [String: Tensor]
        /// Flatten the input to (N, F) for torch (linear).
        var flattenForTorch = false
        var build: (GraphBuilder, ValueID) -> ValueID
    }

    func testEveryOpMatchesTorch() throws {
        let cases = makeCases()
        let root = try TestData.temporaryDirectory("engine-oracle")
        defer { try? FileManager.default.removeItem(at: root) }
        var expectations: [(folder: URL, ours: [Float], shape: [Int])] = []
        for (i, c) in cases.enumerated() {
            let folder = root.appendingPathComponent("\(i)-\(c.op)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let (ours, shape) = try runReference(c)
            try write(c, to: folder)
            expectations.append((folder, ours, shape))
        }
        let printed = String(decoding: try Oracle.run("engine_ops.py", expectations.map(\.folder.path)), as: UTF8.self)
        let shapes = printed.split(separator: "\n").map(String.init)
        XCTAssertEqual(shapes.count, cases.count)
        for ((folder, ours, shape), printedShape) in zip(expectations, shapes) {
            XCTAssertEqual(printedShape, "\(shape)", folder.lastPathComponent)
            let data = try Data(contentsOf: folder.appendingPathComponent("out.bin"))
            let torch = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            assertClose(ours, torch, atol: 1e-5 * (torch.map(abs).max() ?? 0), folder.lastPathComponent)
        }
    }

    // MARK: - Cases

    func makeCases() -> [Case] {
        var rng = SeededRandom(state: 11)
        var cases: [Case] = []
        let (w, b) = (rng.tensor([6, 2, 3, 3]), rng.tensor([6]))
        let pad = Padding(top: 0, bottom: 2, left: 1, right: 0)
        cases.append(Case(
            op: "conv2d", params: ["stride": 2, "dilation": 2, "groups": 2, "top": 0, "bottom": 2, "left": 1, "right": 0],
            tensors: ["x": rng.tensor([2, 4, 9, 8]), "w": w, "b": b]
        ) { g, x in g.conv2d(x, weight: w, bias: b, stride: 2, padding: pad, dilation: 2, groups: 2) })
        let dw = rng.tensor([4, 1, 3, 3])
        cases.append(Case(
            op: "conv2d", params: ["stride": 1, "dilation": 1, "groups": 4, "top": 1, "bottom": 1, "left": 1, "right": 1],
            tensors: ["x": rng.tensor([1, 4, 6, 6]), "w": dw]
        ) { g, x in g.conv2d(x, weight: dw, padding: .symmetric(1), groups: 4) })

        let x = rng.tensor([2, 3, 7, 7], scale: 4)
        cases.append(Case(op: "max_pool2d", params: ["kernel": 3, "stride": 2, "padding": 1], tensors: ["x": x]) { g, x in
            g.maxPool(x, kernel: 3, stride: 2, padding: .symmetric(1))
        })
        for include in [true, false] {
            cases.append(Case(op: "avg_pool2d", params: ["kernel": 3, "stride": 2, "padding": 1, "count_include_pad": include], tensors: ["x": x]) { g, x in
                g.avgPool(x, kernel: 3, stride: 2, padding: .symmetric(1), countIncludePad: include)
            })
        }
        // ceil_mode, 3/2 on 8: -> 4 (floor: 3) with no padding, -> 5 (floor: 4) with padding 1; either way the
        // last window overhangs the bottom/right edge, and a divisor counting padding leaves the overhang out.
        let y = rng.tensor([2, 3, 8, 8], scale: 4)
        for (kernel, padding) in [(3, 0), (3, 1)] {
            cases.append(Case(op: "max_pool2d", params: ["kernel": kernel, "stride": 2, "padding": padding, "ceil_mode": true], tensors: ["x": y]) { g, x in
                g.maxPool(x, kernel: kernel, stride: 2, padding: .symmetric(padding), ceilMode: true)
            })
            for include in [true, false] {
                let params: [String: Any] = ["kernel": kernel, "stride": 2, "padding": padding, "count_include_pad": include, "ceil_mode": true]
                cases.append(Case(op: "avg_pool2d", params: params, tensors: ["x": y]) { g, x in
                    g.avgPool(x, kernel: kernel, stride: 2, padding: .symmetric(padding), countIncludePad: include, ceilMode: true)
                })
            }
        }
        cases.append(Case(op: "cat", params: ["parts": ["pooled", "x", "pooled"]], tensors: ["x": x]) { g, x in
            let pooled = g.maxPool(x, kernel: 3, stride: 1, padding: .symmetric(1))
            return g.concat([pooled, x, pooled])
        })
        // 7 -> 3x2 has overlapping, uneven windows: the general adaptive case.
        cases.append(Case(op: "adaptive_avg_pool2d", params: ["height": 3, "width": 2], tensors: ["x": x]) { g, x in
            g.adaptiveAvgPool(x, height: 3, width: 2)
        })

        let bn = rng.batchNorm(3)
        cases.append(Case(
            op: "batch_norm", params: ["eps": 1e-3],
            tensors: ["x": x, "mean": bn.mean, "var": bn.variance, "weight": bn.weight, "bias": bn.bias]
        ) { g, v in g.batchNorm(v, mean: bn.mean, variance: bn.variance, weight: bn.weight, bias: bn.bias, epsilon: 1e-3) })
        for activation in Activation.allCases {
            cases.append(Case(op: activation.rawValue, params: [:], tensors: ["x": x]) { g, v in g.activation(v, activation) })
        }

        let (fw, fb) = (rng.tensor([5, 12]), rng.tensor([5]))
        cases.append(Case(op: "linear", params: [:], tensors: ["x": rng.tensor([3, 3, 2, 2]), "w": fw, "b": fb], flattenForTorch: true) { g, v in
            g.linear(g.flatten(v), weight: fw, bias: fb)
        })
        return cases + sequenceCases(&rng)
    }

    /// The ops of transformers and ConvNeXt, on the (N, 4, 6, 8) input viewed as tokens or heads.
    func sequenceCases(_ rng: inout SeededRandom) -> [Case] {
        let x = rng.tensor([2, 4, 6, 8], scale: 3)
        var cases: [Case] = []
        let (gamma, beta) = (rng.tensor([8]), rng.tensor([8]))
        cases.append(Case(op: "layer_norm", params: ["view": [2, 24, 8], "eps": 1e-6], tensors: ["x": x, "weight": gamma, "bias": beta]) { g, v in
            g.layerNorm(g.reshape(v, [24, 8]), weight: gamma, bias: beta, epsilon: 1e-6)
        })
        let (cGamma, cBeta) = (rng.tensor([4]), rng.tensor([4]))
        cases.append(Case(op: "layer_norm", params: ["channels": true, "eps": 1e-6], tensors: ["x": x, "weight": cGamma, "bias": cBeta]) { g, v in
            g.layerNorm(v, weight: cGamma, bias: cBeta, epsilon: 1e-6, axis: .channels)
        })
        cases.append(Case(op: "attention", params: ["view": [2, 2, 12, 8], "scale": 0.35], tensors: ["x": x]) { g, v in
            let a = g.reshape(v, [2, 12, 8])
            return g.matmul(g.softmax(g.matmul(a, a, transposeB: true, scale: 0.35)), a)
        })
        cases.append(Case(op: "normalize", params: ["view": [2, 24, 8]], tensors: ["x": x]) { g, v in g.l2Normalize(g.reshape(v, [24, 8])) })
        cases.append(Case(op: "permute", params: ["view": [2, 4, 3, 2, 8], "order": [0, 3, 1, 4, 2]], tensors: ["x": x]) { g, v in
            g.permute(g.reshape(v, [4, 3, 2, 8]), [2, 0, 3, 1])
        })
        cases.append(Case(op: "narrow", params: ["view": [2, 4, 6, 8], "dim": 2, "start": 1, "length": 3], tensors: ["x": x]) { g, v in
            g.slice(v, axis: 1, 1..<4)
        })
        let (token, pos) = (rng.tensor([1, 1, 8]), rng.tensor([1, 25, 8]))
        cases.append(Case(op: "tokens", params: ["view": [2, 24, 8]], tensors: ["x": x, "token": token, "pos": pos]) { g, v in
            let cls = g.constant(Tensor(shape: [1, 8], scalars: token.scalars))
            let sequence = g.concat([cls, g.reshape(v, [24, 8])], axis: 0)
            return g.add(sequence, g.constant(Tensor(shape: [25, 8], scalars: pos.scalars)))
        })
        let (tw, tb) = (rng.tensor([5, 8]), rng.tensor([5]))
        cases.append(Case(op: "linear_tokens", params: ["view": [2, 24, 8]], tensors: ["x": x, "w": tw, "b": tb]) { g, v in
            g.linear(g.reshape(v, [24, 8]), weight: tw, bias: tb)
        })
        let (scale, shift) = (rng.tensor([1, 4, 1, 8]), rng.tensor([1, 1, 6, 1]))
        cases.append(Case(op: "broadcast", params: [:], tensors: ["x": x, "scale": scale, "shift": shift]) { g, v in
            let scaled = g.mul(v, g.constant(Tensor(shape: [4, 1, 8], scalars: scale.scalars)))
            return g.add(scaled, g.constant(Tensor(shape: [1, 6, 1], scalars: shift.scalars)))
        })
        return cases
    }

    // MARK: - Plumbing

    func runReference(_ c: Case) throws -> (output: [Float], shape: [Int]) {
        let x = try XCTUnwrap(c.tensors["x"])
        let g = GraphBuilder()
        g.output(c.build(g, g.input("x", channels: x.shape[1], height: x.shape[2], width: x.shape[3])))
        let graph = try g.build()
        let n = x.shape[0]
        let output = try ReferenceBackend().compile(graph, batchSize: n).run(x.scalars, batchSize: n)
        return (output, [n] + graph.outputShape.dims)
    }

    /// Raw little-endian float32 files plus spec.json, the oracle's input format.
    func write(_ c: Case, to folder: URL) throws {
        var shapes: [String: [Int]] = [:]
        for (name, tensor) in c.tensors {
            shapes[name] = name == "x" && c.flattenForTorch ? [tensor.shape[0], tensor.shape.elementCount / tensor.shape[0]] : tensor.shape.dims
            try tensor.scalars.withUnsafeBytes { try Data($0).write(to: folder.appendingPathComponent("\(name).bin")) }
        }
        let spec: [String: Any] = ["op": c.op, "inputs": shapes, "params": c.params]
        try JSONSerialization.data(withJSONObject: spec).write(to: folder.appendingPathComponent("spec.json"))
    }
}
