import TensorCore
import XCTest

final class ShapeTests: XCTestCase {
    func testElementCountAndDescription() {
        let shape: Shape = [2, 3, 4]
        XCTAssertEqual(shape.elementCount, 24)
        XCTAssertEqual(shape.rank, 3)
        XCTAssertEqual(shape.description, "[2, 3, 4]")
        XCTAssertEqual(Shape([]).elementCount, 1)
    }

    func testDTypeByteCounts() {
        XCTAssertEqual(DType.float32.byteCount, 4)
        XCTAssertEqual(DType.bfloat16.byteCount, 2)
        XCTAssertEqual(DType.int64.byteCount, 8)
    }

    func testRGBImageIndexesInterleavedRows() {
        let image = RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(image[1, 0].r, 4)
        XCTAssertEqual(image[1, 0].b, 6)
    }
}
