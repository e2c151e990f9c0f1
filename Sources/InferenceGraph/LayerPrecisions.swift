/// The precision each compute layer (convolution, linear) of a compiled model really runs in.
///
/// A backend reads it from the kernels it built, not from the precision it was asked for: a bf16 model
/// may keep a layer in fp32 on purpose, and a CPU without bf16 runs everything in fp32. The run summary
/// and `bench` print ``summary``.
public struct LayerPrecisions: Sendable, Equatable {
    public struct Layer: Sendable, Equatable {
        public var name: String
        /// "fp32", "bf16", ...
        public var precision: String

        public init(name: String, precision: String) {
            self.name = name
            self.precision = precision
        }
    }

    /// The layers in execution order.
    public var layers: [Layer]

    public init(_ layers: [Layer] = []) { self.layers = layers }

    /// How many layers run in each precision.
    public var counts: [String: Int] { Dictionary(layers.map { ($0.precision, 1) }, uniquingKeysWith: +) }

    /// "bf16: 52 layers, fp32: 2 (conv1, fc)": the most used precision first; each other one names its
    /// layers (the first four), since those are the exceptions a reader wants to see.
    public var summary: String {
        let ranked = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        return ranked.enumerated().map { rank, entry in
            let count = "\(entry.key): \(entry.value) layer\(entry.value == 1 ? "" : "s")"
            guard rank > 0 else { return count }
            let names = layers.filter { $0.precision == entry.key }.map(\.name)
            return count + " (" + names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", ..." : "") + ")"
        }.joined(separator: ", ")
    }

    /// Both models' layers, `self`'s first (a body and its separately compiled head).
    public static func + (lhs: Self, rhs: Self) -> Self { Self(lhs.layers + rhs.layers) }
}
