import Foundation
import XCTest

@testable import ObjectStorage

/// The signer against AWS's published examples ("Signature Calculations for the Authorization
/// Header: Transferring Payload in a Single Chunk", Amazon S3 API Reference): same credentials,
/// same request, the documented signature.
final class SigV4SignerTests: XCTestCase {
    let signer = SigV4Signer(
        credentials: S3Credentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    /// 2013-05-24T00:00:00Z, the examples' date.
    let exampleDate = Date(timeIntervalSince1970: 1_369_353_600)

    func testGetObjectExample() {
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/test.txt", query: [],
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")])
        let headers = signer.signingHeaders(for: request, payloadHash: SigV4Signer.emptyPayloadHash, date: exampleDate)
        let value = { (name: String) in headers.first { $0.name == name }?.value }
        XCTAssertEqual(value("x-amz-date"), "20130524T000000Z")
        XCTAssertEqual(value("x-amz-content-sha256"), SigV4Signer.emptyPayloadHash)
        XCTAssertNil(value("x-amz-security-token"))
        XCTAssertEqual(
            value("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + " SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
                + " Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    func testGetObjectExampleCanonicalRequest() {
        var request = SigV4Signer.Request(
            method: "GET", encodedPath: "/test.txt", query: [],
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")])
        request.headers += [("x-amz-date", "20130524T000000Z"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)]
        let canonical = signer.canonicalRequest(request, payloadHash: SigV4Signer.emptyPayloadHash)
        XCTAssertEqual(
            canonical.text,
            """
            GET
            /test.txt

            host:examplebucket.s3.amazonaws.com
            range:bytes=0-9
            x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            x-amz-date:20130524T000000Z

            host;range;x-amz-content-sha256;x-amz-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
    }

    func testListObjectsExampleSortsAndEncodesTheQuery() {
        // GET /?max-keys=2&prefix=J — given here out of order to check the sort.
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: [("host", "examplebucket.s3.amazonaws.com")])
        let headers = signer.signingHeaders(for: request, payloadHash: SigV4Signer.emptyPayloadHash, date: exampleDate)
        let authorization = headers.first { $0.name == "authorization" }?.value ?? ""
        XCTAssertTrue(authorization.hasSuffix(
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date,"
                + " Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"), authorization)
    }

    func testSessionTokenIsSentAndSigned() {
        let temporary = SigV4Signer(
            credentials: S3Credentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "tok+en/="),
            region: "eu-west-1")
        let request = SigV4Signer.Request(method: "GET", encodedPath: "/k", query: [], headers: [("host", "h")])
        let headers = temporary.signingHeaders(for: request, payloadHash: SigV4Signer.unsignedPayload, date: exampleDate)
        XCTAssertEqual(headers.first { $0.name == "x-amz-security-token" }?.value, "tok+en/=")
        let authorization = headers.first { $0.name == "authorization" }?.value ?? ""
        XCTAssertTrue(authorization.contains("/20130524/eu-west-1/s3/aws4_request"), authorization)
        XCTAssertTrue(authorization.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"))
    }

    func testCanonicalQueryEncodesEverythingButUnreserved() {
        let query = SigV4Signer.canonicalQuery([
            ("prefix", "a b/ü+=&~"), ("continuation-token", "1/2+3=="), ("list-type", "2"),
        ])
        XCTAssertEqual(query, "continuation-token=1%2F2%2B3%3D%3D&list-type=2&prefix=a%20b%2F%C3%BC%2B%3D%26~")
    }

    func testPathEncodingKeepsSlashesOnly() {
        XCTAssertEqual(URIEncoding.encodePath("photos/a b+c=d&e~ü.jpg"), "photos/a%20b%2Bc%3Dd%26e~%C3%BC.jpg")
        XCTAssertEqual(URIEncoding.encode("a/b"), "a%2Fb")
    }

    func testFormDecodingOfListedKeys() {
        XCTAssertEqual(URIEncoding.decodeFormEncoded("a+b%2Bc%C3%BC"), "a b+cü")
        XCTAssertNil(URIEncoding.decodeFormEncoded("bad%2"))
        XCTAssertNil(URIEncoding.decodeFormEncoded("bad%zz"))
        XCTAssertNil(URIEncoding.decodeFormEncoded("%FF%FE"))  // not UTF-8
    }
}
