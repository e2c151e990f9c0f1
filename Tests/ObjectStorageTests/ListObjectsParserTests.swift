import XCTest

@testable import ObjectStorage

final class ListObjectsParserTests: XCTestCase {
    private func document(_ body: String) -> [UInt8] {
        Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\(body)</ListBucketResult>".utf8)
    }

    func testPageWithContinuation() throws {
        let page = try ListObjectsParser.parse(
            document(
                """
                <Name>b</Name><Prefix>img/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
                <IsTruncated>true</IsTruncated><NextContinuationToken>tok/en+=</NextContinuationToken>
                <Contents><Key>img/a+b%2Bc.jpg</Key><LastModified>2024-01-01T00:00:00.000Z</LastModified>
                <ETag>"x"</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
                <Contents><Key>img/%C3%BC.png</Key><Size>0</Size></Contents>
                """), urlEncoded: true)
        XCTAssertEqual(page.objects, [S3Object(key: "img/a b+c.jpg", size: 12), S3Object(key: "img/ü.png", size: 0)])
        XCTAssertTrue(page.isTruncated)
        XCTAssertEqual(page.nextContinuationToken, "tok/en+=")
    }

    func testLastPageAndEmptyListing() throws {
        let page = try ListObjectsParser.parse(document("<IsTruncated>false</IsTruncated><KeyCount>0</KeyCount>"), urlEncoded: true)
        XCTAssertEqual(page.objects, [])
        XCTAssertFalse(page.isTruncated)
        XCTAssertNil(page.nextContinuationToken)
    }

    func testHostileDocumentsAreRefused() {
        let longKey = String(repeating: "k", count: 1025)
        let cases: [(String, [UInt8])] = [
            ("not xml", Array("<ListBucketResult><Contents>".utf8)),
            ("wrong root", Array("<Error><Code>AccessDenied</Code></Error>".utf8)),
            ("negative size", document("<Contents><Key>a</Key><Size>-1</Size></Contents>")),
            ("size not a number", document("<Contents><Key>a</Key><Size>1e9</Size></Contents>")),
            ("size overflows", document("<Contents><Key>a</Key><Size>99999999999999999999999</Size></Contents>")),
            ("missing size", document("<Contents><Key>a</Key></Contents>")),
            ("missing key", document("<Contents><Size>1</Size></Contents>")),
            ("key too long", document("<Contents><Key>\(longKey)</Key><Size>1</Size></Contents>")),
            ("bad escape", document("<Contents><Key>a%zz</Key><Size>1</Size></Contents>")),
            ("control character", document("<Contents><Key>a%0Ab</Key><Size>1</Size></Contents>")),
            ("huge text", document("<Name>\(String(repeating: "x", count: 100_000))</Name>")),
            ("deep nesting", document(String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40))),
            ("too many entries", document(String(repeating: "<Contents><Key>a</Key><Size>1</Size></Contents>", count: 10_001))),
        ]
        for (name, bytes) in cases {
            XCTAssertThrowsError(try ListObjectsParser.parse(bytes, urlEncoded: true), name)
        }
    }

    func testErrorBodyCodeAndRegion() {
        let body = Array("<?xml version=\"1.0\"?><Error><Code>PermanentRedirect</Code><Message>m</Message><Region>us-west-2</Region></Error>".utf8)
        XCTAssertEqual(S3ErrorResponse(parsing: body), S3ErrorResponse(code: "PermanentRedirect", region: "us-west-2"))
        XCTAssertEqual(S3ErrorResponse(parsing: Array("garbage".utf8)).code, "")
        XCTAssertEqual(S3ErrorResponse(parsing: []).code, "")
    }
}
