import InferenceGraph
import XCTest

/// The one-line account of which precision each layer ran in, as the summary and `bench` print it.
final class LayerPrecisionsTests: XCTestCase {
    func testSummaryCountsTheMajorityAndNamesTheExceptions() {
        let layers = LayerPrecisions(
            [.init(name: "conv1", precision: "fp32")] + (1...52).map { .init(name: "layer\($0)", precision: "bf16") }
                + [.init(name: "fc", precision: "fp32")])
        XCTAssertEqual(layers.summary, "bf16: 52 layers, fp32: 2 layers (conv1, fc)")
        XCTAssertEqual(layers.counts, ["bf16": 52, "fp32": 2])
    }

    func testSummaryOfOnePrecisionAndOfManyExceptions() {
        XCTAssertEqual(LayerPrecisions([.init(name: "fc", precision: "fp32")]).summary, "fp32: 1 layer")
        let many = LayerPrecisions((0..<9).map { .init(name: "c\($0)", precision: $0 < 3 ? "bf16" : "fp32") })
        XCTAssertEqual(many.summary, "fp32: 6 layers, bf16: 3 layers (c0, c1, c2)")
        let wide = LayerPrecisions((0..<12).map { .init(name: "c\($0)", precision: $0 < 5 ? "bf16" : "fp32") })
        XCTAssertEqual(wide.summary, "fp32: 7 layers, bf16: 5 layers (c0, c1, c2, c3, ...)")
        XCTAssertEqual(LayerPrecisions().summary, "")
    }

    func testBodyAndHeadConcatenateInOrder() {
        let body = LayerPrecisions([.init(name: "conv", precision: "bf16")])
        let head = LayerPrecisions([.init(name: "fc", precision: "fp32")])
        XCTAssertEqual((body + head).layers.map(\.name), ["conv", "fc"])
    }
}
