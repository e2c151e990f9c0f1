import XCTest

@testable import PredictionSinks

final class CompressionTests: XCTestCase {
    /// Text-like bytes with repeats, as string pages are: every codec must shrink it.
    private let page: [UInt8] = (0..<20_000).flatMap { Array("img/\($0 % 97).jpg,".utf8) }

    func testEveryCodecRoundTripsAndNamesItsFooterId() throws {
        let ids: [ParquetCompression: CompressionCodec] = [.zstd: .zstd, .snappy: .snappy, .none: .uncompressed]
        for compression in ParquetCompression.allCases {
            let stored = try Compression.compress(page, with: compression)
            XCTAssertEqual(try Compression.decompress(stored, with: compression, originalSize: page.count), page)
            XCTAssertEqual(Compression.codec(for: compression), ids[compression])
            if compression != .none { XCTAssertLessThan(stored.count, page.count / 2, "\(compression)") }
        }
        XCTAssertEqual(CompressionCodec.zstd.rawValue, 6)
        XCTAssertEqual(CompressionCodec.snappy.rawValue, 1)
        XCTAssertEqual(CompressionCodec.uncompressed.rawValue, 0)
    }

    func testEmptyInputRoundTrips() throws {
        for compression in ParquetCompression.allCases {
            let stored = try Compression.compress([], with: compression)
            XCTAssertEqual(try Compression.decompress(stored, with: compression, originalSize: 0), [])
        }
    }

    func testCorruptInputFailsNamingTheCFunction() {
        let garbage: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]
        XCTAssertThrowsError(try Compression.zstdDecompress(garbage, originalSize: 10)) { error in
            guard case .compressionFailed(let call, _)? = error as? SinkError else { return XCTFail("\(error)") }
            XCTAssertEqual(call, "ZSTD_decompress")
        }
        XCTAssertThrowsError(try Compression.snappyUncompress([0xFF, 0xFF, 0xFF], originalSize: 10)) { error in
            guard case .compressionFailed(let call, _)? = error as? SinkError else { return XCTFail("\(error)") }
            XCTAssertEqual(call, "snappy_uncompress")
        }
    }
}
