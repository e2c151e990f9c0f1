import Foundation
import XCTest

@testable import ObjectStorage

final class S3AddressTests: XCTestCase {
    func testCustomEndpointUsesPathStyle() {
        let endpoint = URL(string: "http://127.0.0.1:9000")
        let object = S3Address(endpoint: endpoint, region: "us-east-1", bucket: "b", key: "a b/ü.jpg")
        XCTAssertEqual(object.url, "http://127.0.0.1:9000/b/a%20b/%C3%BC.jpg")
        XCTAssertEqual(object.host, "127.0.0.1:9000")
        XCTAssertEqual(object.encodedPath, "/b/a%20b/%C3%BC.jpg")
        let listing = S3Address(endpoint: endpoint, region: "us-east-1", bucket: "b", key: nil, query: [("prefix", "x y")])
        XCTAssertEqual(listing.url, "http://127.0.0.1:9000/b?prefix=x%20y")
    }

    func testDefaultPortIsLeftOutOfTheHostHeader() {
        XCTAssertEqual(S3Address(endpoint: URL(string: "https://minio.example:443/"), region: "r", bucket: "b", key: "k").host, "minio.example")
    }

    func testAWSUsesVirtualHostsExceptForDottedBuckets() {
        let plain = S3Address(endpoint: nil, region: "us-west-2", bucket: "air-example-data-2", key: "x/y.jpg")
        XCTAssertEqual(plain.url, "https://air-example-data-2.s3.us-west-2.amazonaws.com/x/y.jpg")
        let bucketRoot = S3Address(endpoint: nil, region: "us-east-1", bucket: "b-1", key: nil, query: [("list-type", "2")])
        XCTAssertEqual(bucketRoot.url, "https://b-1.s3.us-east-1.amazonaws.com/?list-type=2")
        let dotted = S3Address(endpoint: nil, region: "eu-west-1", bucket: "my.bucket", key: "k")
        XCTAssertEqual(dotted.url, "https://s3.eu-west-1.amazonaws.com/my.bucket/k")
    }
}
