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
}
