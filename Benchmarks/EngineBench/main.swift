// Reports oneDNN convolution throughput: a 3x3 conv 256->256 on 14x14 at batch 16 (ResNet's layer3),
// fp32 and bf16, with the implementation oneDNN picked. Build with `swift build -c release`.
//
//     .build/release/engine-bench [--threads 2] [--batch 16] [--iterations 20]
import DNNLBackend
import Foundation
import InferenceGraph
import TensorCore

func argument(_ name: String, default value: Int) -> Int {
    let args = CommandLine.arguments
    guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]) else { return value }
    return v
}

let threads = argument("--threads", default: 2)
let batch = argument("--batch", default: 16)
let iterations = argument("--iterations", default: 20)
let (c, hw) = (256, 14)

func random(_ shape: Shape) -> Tensor {
    Tensor(shape: shape, scalars: (0..<shape.elementCount).map { _ in Float.random(in: -0.1...0.1) })
}
let g = GraphBuilder()
let x = g.input("x", channels: c, height: hw, width: hw)
g.output(g.conv2d(x, weight: random([c, c, 3, 3]), bias: random([c]), padding: .symmetric(1), name: "conv3x3"))
let graph = try g.build()
let input = random([batch, c, hw, hw]).scalars
var output = [Float](repeating: 0, count: batch * c * hw * hw)
let flop = 2.0 * Double(batch * c * hw * hw) * Double(c * 9)

print("engine-bench: conv 3x3 \(c)->\(c) on \(hw)x\(hw), batch \(batch), \(threads) threads, \(DNNLBackend.isaDescription)")
for precision in [Precision.fp32, .bf16] {
    let backend = DNNLBackend(options: .init(precision: precision, threads: threads))
    guard let model = try backend.compile(graph, batchSize: batch) as? DNNLModel else { fatalError("not a DNNLModel") }
    for (step, impl) in try model.steps(batchSize: batch) { print("  \(precision) \(step): \(impl)") }
    _ = try model.run(input, batchSize: batch)  // warm-up
    let start = Date()
    for _ in 0..<iterations {
        try input.withUnsafeBufferPointer { xs in
            try output.withUnsafeMutableBufferPointer { ys in try model.run(input: xs, batchSize: batch, output: ys) }
        }
    }
    let seconds = Date().timeIntervalSince(start) / Double(iterations)
    let label = model.precision == precision ? "\(precision)" : "\(precision) (ran as \(model.precision))"
    print(String(format: "  %@: %.2f ms/batch, %.1f GFLOP/s (includes NCHW<->blocked reorders)", label, seconds * 1e3, flop / seconds / 1e9))
}
