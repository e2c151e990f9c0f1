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

/// The small XML reader behind both S3 documents: what it accepts, what it refuses, and that no
/// mutation of a real page crashes it.
final class XMLReaderTests: XCTestCase {
    private func events(_ text: String) throws -> [XMLReader.Event] {
        var reader = XMLReader(Array(text.utf8))
        var events: [XMLReader.Event] = []
        while let event = try reader.next() { events.append(event) }
        return events
    }

    func testElementsTextReferencesCDATAAndComments() throws {
        XCTAssertEqual(
            try events(
                "<?xml version='1.0'?>\n<!-- c --><r a=\"1\" b='x&amp;y'><k>a&lt;b&#65;&#x42;&quot;&apos;&gt;&amp;</k>"
                    + "<e/><c><![CDATA[<not a tag>]]></c><!-- inside --></r>\n"),
            [.start("r"), .start("k"), .text("a<bAB\"'>&"), .end("k"), .start("e"), .end("e"),
             .start("c"), .text("<not a tag>"), .end("c"), .end("r")])
        XCTAssertEqual(try events("<ü>ß</ü>"), [.start("ü"), .text("ß"), .end("ü")])
    }

    func testMalformedDocumentsAreRefused() {
        let cases = [
            "", "   ", "text", "<a>", "<a></b>", "<a></a><b></b>", "<a>&bogus;</a>", "<a>&#0;</a>", "<a>&#xD800;</a>",
            "<a>& b</a>", "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<a b></a>", "<a b=c></a>", "<a b=\"<\"></a>",
            "<a><!-- open</a>", "<a><![CDATA[x</a>", "</a>", "<1a></1a>", "<a>x</a>tail", "<a\u{0}></a>",
        ]
        for text in cases {
            XCTAssertThrowsError(try events(text), text)
        }
        var reader = XMLReader([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E])  // <a>\xFF</a>
        XCTAssertThrowsError(try reader.next().flatMap { _ in try reader.next() })
    }

    /// Seeded mutations of a real page: every outcome is a page or a thrown error, never a crash.
    func testMutatedListingsNeverCrash() {
        let page = Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name>
            <IsTruncated>true</IsTruncated><NextContinuationToken>t&amp;k</NextContinuationToken>
            <Contents><Key>img/a%2Bb.jpg</Key><Size>12</Size></Contents>
            <Contents><Key>img/%C3%BC.png</Key><Size>0</Size></Contents></ListBucketResult>
            """.utf8)
        var state: UInt64 = 0x5EED
        func random(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let alphabet = Array("<>/&;#x![]-?=\"' aZ0\u{0}".utf8) + [0xC3, 0xFF]
        var parsed = 0
        for _ in 0..<3_000 {
            var bytes = page
            for _ in 0..<(1 + random(4)) {
                switch random(3) {
                case 0: bytes[random(bytes.count)] = alphabet[random(alphabet.count)]
                case 1: bytes.remove(at: random(bytes.count))
                default: bytes.insert(alphabet[random(alphabet.count)], at: random(bytes.count))
                }
            }
            if (try? ListObjectsParser.parse(bytes, urlEncoded: true)) != nil { parsed += 1 }
            _ = S3ErrorResponse(parsing: bytes)
        }
        XCTAssertGreaterThan(parsed, 0, "some mutations (inside text) still parse")
    }
}
