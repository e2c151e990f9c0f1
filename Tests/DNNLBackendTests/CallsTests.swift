import CDNNL
@testable import DNNLBackend
import XCTest

final class CallsTests: XCTestCase {
    func testFailedCallNamesTheCFunction() {
        // A rank-2 descriptor with a rank-4 tag is invalid.
        XCTAssertThrowsError(try DNNL.memoryDesc([2, 3], dnnl_f32, dnnl_abcd)) { error in
            let message = (error as? DNNLError)?.message ?? ""
            XCTAssertTrue(message.contains("dnnl_memory_desc_init_by_tag"), message)
            XCTAssertTrue(message.contains("dnnl_invalid_arguments"), message)
        }
    }

    func testThreadCountIsHonoured() {
        DNNL.setThreadCount(1)
        XCTAssertEqual(DNNL.threadCount(), 1)
        DNNL.setThreadCount(2)
        XCTAssertEqual(DNNL.threadCount(), 2)
    }

    /// A u8 output for a 7-bit (non-VNNI) reader ends in clip(0, 127); a final ReLU is the clip's lower bound, so it
    /// goes, and anything else stays.
    func testSevenBitClipReplacesAFinalReLU() {
        func describe(_ ops: [DNNLPostOp]) -> [String] {
            ops.map { op in
                switch op {
                case .sum(let scale, _): "sum \(scale)"
                case .eltwise(let kind, let alpha, let beta): "eltwise \(kind.rawValue) \(alpha) \(beta)"
                }
            }
        }
        let clip = "eltwise \(dnnl_eltwise_clip.rawValue) 0.0 127.0"
        let relu = DNNLPostOp.eltwise(dnnl_eltwise_relu, alpha: 0, beta: 0)
        XCTAssertEqual(describe(PlanBuilder.clippedTo7Bits([.sum(scale: 0.5), relu])), ["sum 0.5", clip])
        XCTAssertEqual(describe(PlanBuilder.clippedTo7Bits([])), [clip])
        let leaky = DNNLPostOp.eltwise(dnnl_eltwise_relu, alpha: 0.1, beta: 0)
        let bounded = DNNLPostOp.eltwise(dnnl_eltwise_bounded_relu, alpha: 6, beta: 0)
        XCTAssertEqual(describe(PlanBuilder.clippedTo7Bits([leaky])), describe([leaky]) + [clip])
        XCTAssertEqual(describe(PlanBuilder.clippedTo7Bits([relu, bounded])), describe([relu, bounded]) + [clip])
    }

    /// Broadcasts seen as `(outer, C, inner) op (1, C, 1)`, the one oneDNN 2.6's JIT binary kernels take besides a
    /// same-shape operand.
    func testBroadcastsFoldToPerChannel() {
        func view(_ a: [Int], _ b: [Int]) -> [Int]? { PlanBuilder.perChannelView(a, b).map { $0.dims + [$0.channels] } }
        XCTAssertEqual(view([4, 16, 3, 64, 64], [1, 1, 3, 1, 1])!, [64, 3, 4096, 3], "Swin V2's per-head logit scale")
        XCTAssertEqual(view([4, 16, 3, 64, 32], [4, 16, 3, 64, 1])!, [1, 12288, 32, 12288], "per-row norms")
        XCTAssertEqual(view([2, 197, 768], [1, 197, 768])!, [2, 151296, 1, 151296], "a position embedding")
        XCTAssertEqual(view([2, 64, 1, 7], [1, 64, 1, 1])!, [2, 64, 7, 64], "size-1 axes do not count")
        XCTAssertNil(view([2, 3, 4], [2, 3, 4]), "same shape")
        XCTAssertNil(view([2, 3, 4], [1, 1, 1]), "scalar")
        XCTAssertNil(view([2, 3, 4], [2, 1, 4]), "two separate runs")
    }
}
