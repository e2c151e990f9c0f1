import XCTest

@testable import ObjectStorage

final class S3URLTests: XCTestCase {
    func testBucketAndPrefix() throws {
        let url = try S3URL(parsing: "s3://my-bucket/images/train/")
        XCTAssertEqual(url.bucket, "my-bucket")
        XCTAssertEqual(url.prefix, "images/train/")
        XCTAssertFalse(url.anonymous)
        XCTAssertEqual(url.objectURL(key: "images/train/a.jpg"), "s3://my-bucket/images/train/a.jpg")
    }

    func testAnonymousMarksUnsignedRequests() throws {
        let url = try S3URL(parsing: "s3://anonymous@air-example-data-2/imagenette2/train/")
        XCTAssertEqual(url.bucket, "air-example-data-2")
        XCTAssertEqual(url.prefix, "imagenette2/train/")
        XCTAssertTrue(url.anonymous)
        XCTAssertEqual(url.description, "s3://anonymous@air-example-data-2/imagenette2/train/")
    }

    func testWholeBucketWithAndWithoutSlash() throws {
        for text in ["s3://bucket", "s3://bucket/", "S3://bucket"] {
            let url = try S3URL(parsing: text)
            XCTAssertEqual(url.bucket, "bucket", text)
            XCTAssertEqual(url.prefix, "", text)
        }
    }

    func testPrefixIsLiteralNotPercentDecoded() throws {
        // Like the AWS CLI: S3 keys may contain '%', so the URL holds the key as it is.
        let url = try S3URL(parsing: "s3://bucket/a%20b/ü c+d")
        XCTAssertEqual(url.prefix, "a%20b/ü c+d")
    }

    func testMalformedURLsAreRefusedWithReasons() {
        let cases: [(String, String)] = [
            ("bucket/prefix", "s3://"),
            ("https://bucket/prefix", "s3://"),
            ("s3://", "missing"),
            ("s3:///prefix", "missing"),
            ("s3://ab/x", "3 to 63"),
            ("s3://" + String(repeating: "a", count: 64), "3 to 63"),
            ("s3://My_Bucket/x", "lowercase"),
            ("s3://-bucket/x", "starts and ends"),
            ("s3://bucket../x", "starts and ends"),
            ("s3://buc..ket/x", "adjacent dots"),
            ("s3://user:secret@bucket/x", "anonymous@"),
            ("s3://bucket/a\nb", "control"),
            ("s3://bucket/" + String(repeating: "k", count: 1025), "1024"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try S3URL(parsing: text), text) { error in
                guard case let S3Error.invalidURL(url, reason) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(url, text)
                XCTAssertTrue(reason.contains(expected), "\(text): \(reason)")
                XCTAssertFalse((error as? S3Error)?.description.contains("\n") ?? true)
            }
        }
    }

    func testKeyOfMaximumLengthIsAccepted() throws {
        let key = String(repeating: "k", count: 1024)
        XCTAssertEqual(try S3URL(parsing: "s3://bucket/" + key).prefix, key)
    }
}
