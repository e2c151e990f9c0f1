import Foundation
import XCTest

@testable import ObjectStorage

final class S3ConfigurationTests: XCTestCase {
    private var home: URL!

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("s3-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: home.appendingPathComponent(".aws"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: home)
    }

    private func write(_ text: String, to name: String) throws -> String {
        let url = home.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    // MARK: - Defaults and environment

    func testNothingConfiguredMeansAnonymousUSEast1OnAWS() throws {
        let configuration = try S3Configuration.fromEnvironment(["HOME": home.path])
        XCTAssertNil(configuration.credentials)
        XCTAssertEqual(configuration.region, "us-east-1")
        XCTAssertNil(configuration.endpoint)
        XCTAssertEqual(configuration.retry.maxAttempts, 5)
    }

    func testEnvironmentCredentialsRegionAndEndpoint() throws {
        let configuration = try S3Configuration.fromEnvironment([
            "HOME": home.path, "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "SECRET",
            "AWS_SESSION_TOKEN": "TOKEN", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        ])
        XCTAssertEqual(configuration.credentials, S3Credentials(accessKeyID: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN"))
        XCTAssertEqual(configuration.region, "eu-west-1")
        XCTAssertEqual(configuration.endpoint?.absoluteString, "http://127.0.0.1:9000")
    }

    func testRegionAndEndpointPrecedence() throws {
        let env = [
            "HOME": home.path, "AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "eu-west-1",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:2",
        ]
        let configuration = try S3Configuration.fromEnvironment(env)
        XCTAssertEqual(configuration.region, "ap-south-1")
        XCTAssertEqual(configuration.endpoint?.port, 2)
        let overridden = try S3Configuration.fromEnvironment(env, endpointOverride: "http://127.0.0.1:3")
        XCTAssertEqual(overridden.endpoint?.port, 3)
    }

    func testHalfAKeyPairIsAnError() {
        XCTAssertThrowsError(try S3Configuration.fromEnvironment(["HOME": home.path, "AWS_ACCESS_KEY_ID": "AKID"])) {
            XCTAssertTrue("\($0)".contains("AWS_SECRET_ACCESS_KEY"), "\($0)")
        }
    }

    func testMalformedEndpointsAreRefused() {
        for endpoint in ["ftp://host", "http://", "not a url", "http://h:1/?q=1"] {
            XCTAssertThrowsError(try S3Configuration.fromEnvironment(["HOME": home.path], endpointOverride: endpoint), endpoint) {
                guard case S3Error.invalidEndpoint = $0 else { return XCTFail("\(endpoint): \($0)") }
            }
        }
    }

    // MARK: - Shared files

    func testProfileFromCredentialsAndConfigFiles() throws {
        _ = try write(
            """
            [default]
            aws_access_key_id = DEFAULTID
            aws_secret_access_key = DEFAULTSECRET

            # a comment
            [dev]
            aws_access_key_id=DEVID
            aws_secret_access_key = DEVSECRET
            aws_session_token = DEVTOKEN
            """, to: ".aws/credentials")
        _ = try write(
            """
            [default]
            region = us-west-2
            [profile dev]
            region = eu-central-1
            s3 =
              endpoint_url = http://127.0.0.1:9000
            """, to: ".aws/config")
        let byDefault = try S3Configuration.fromEnvironment(["HOME": home.path])
        XCTAssertEqual(byDefault.credentials?.accessKeyID, "DEFAULTID")
        XCTAssertEqual(byDefault.region, "us-west-2")
        XCTAssertNil(byDefault.endpoint)

        let dev = try S3Configuration.fromEnvironment(["HOME": home.path, "AWS_PROFILE": "dev"])
        XCTAssertEqual(dev.credentials, S3Credentials(accessKeyID: "DEVID", secretAccessKey: "DEVSECRET", sessionToken: "DEVTOKEN"))
        XCTAssertEqual(dev.region, "eu-central-1")
        XCTAssertEqual(dev.endpoint?.absoluteString, "http://127.0.0.1:9000")
    }

    func testFileLocationsFromEnvironmentAndEnvCredentialsFirst() throws {
        let credentials = try write("[ci]\naws_access_key_id = FILEID\naws_secret_access_key = FILESECRET\n", to: "creds")
        let config = try write("[profile ci]\nregion = sa-east-1\n", to: "conf")
        var env = [
            "HOME": home.path, "AWS_SHARED_CREDENTIALS_FILE": credentials, "AWS_CONFIG_FILE": config,
            "AWS_PROFILE": "ci",
        ]
        XCTAssertEqual(try S3Configuration.fromEnvironment(env).credentials?.accessKeyID, "FILEID")
        XCTAssertEqual(try S3Configuration.fromEnvironment(env).region, "sa-east-1")
        // As in the AWS CLI: key variables beat AWS_PROFILE, an explicit --profile beats them.
        env["AWS_ACCESS_KEY_ID"] = "ENVID"
        env["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET"
        XCTAssertEqual(try S3Configuration.fromEnvironment(env).credentials?.accessKeyID, "ENVID")
        XCTAssertEqual(try S3Configuration.fromEnvironment(env, profile: "ci").credentials?.accessKeyID, "FILEID")
    }

    func testUnknownProfileIsAnError() throws {
        _ = try write("[default]\naws_access_key_id = A\naws_secret_access_key = B\n", to: ".aws/credentials")
        XCTAssertThrowsError(try S3Configuration.fromEnvironment(["HOME": home.path], profile: "nope")) {
            XCTAssertTrue("\($0)".contains("'nope'"), "\($0)")
        }
    }

    func testOversizedConfigFileIsRefused() throws {
        let path = try write(String(repeating: "#\n", count: AWSConfigFile.maxBytes), to: "huge")
        XCTAssertThrowsError(try S3Configuration.fromEnvironment(["HOME": home.path, "AWS_CONFIG_FILE": path]))
    }
}
