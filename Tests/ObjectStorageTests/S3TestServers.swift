import Foundation
import TestSupport

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The local servers the live tests talk to, all on 127.0.0.1, started once per test class.
///
/// ```
/// open    moto, auth off, anonymous reads          ◄── flaky  s3_flaky_proxy.py (503s, chunked bodies)
/// strict  moto, SigV4 checked by botocore's code
/// ```
final class S3TestServers: @unchecked Sendable {
    let open: URL
    let strict: URL
    let proxy: URL
    let accessKey: String
    let secretKey: String
    private let processes: [(Process, Pipe)]

    /// Starts the servers; throws ``Skip`` when the test venv (moto, boto3) is missing.
    static func start() throws -> S3TestServers {
        let python = try venvPython()
        let openServer = try launch(python, "s3_moto_server.py", ["open"])
        let strictServer = try launch(python, "s3_moto_server.py", ["strict"])  // starts alongside the first
        let openInfo = try readJSONLine(openServer)
        let strictInfo = try readJSONLine(strictServer)
        guard let open = openInfo["endpoint"].flatMap(URL.init(string:)) else { throw Failure("no open endpoint") }
        let proxyServer = try launch(python, "s3_flaky_proxy.py", [open.absoluteString])
        let proxyPort = try readLine(proxyServer)
        guard let strict = strictInfo["endpoint"].flatMap(URL.init(string:)),
            let proxy = URL(string: "http://127.0.0.1:\(proxyPort)"),
            let accessKey = strictInfo["access_key"], let secretKey = strictInfo["secret_key"]
        else { throw Failure("servers printed \(openInfo) \(strictInfo) \(proxyPort)") }
        return S3TestServers(
            open: open, strict: strict, proxy: proxy, accessKey: accessKey, secretKey: secretKey,
            processes: [openServer, strictServer, proxyServer])
    }

    private init(open: URL, strict: URL, proxy: URL, accessKey: String, secretKey: String, processes: [(Process, Pipe)]) {
        (self.open, self.strict, self.proxy, self.accessKey, self.secretKey) = (open, strict, proxy, accessKey, secretKey)
        self.processes = processes
    }

    /// Stops every server (closing stdin ends the moto scripts; the proxy is terminated).
    func stop() {
        for (process, stdin) in processes {
            try? stdin.fileHandleForWriting.close()
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }
    }

    // MARK: - Flaky proxy control

    /// Configures the proxy: 503 for the first `failFirst` requests and every `failEvery`-th after.
    func configureProxy(failFirst: Int = 0, failEvery: Int = 0, chunked: Bool = false) throws {
        let body = "{\"fail_first\": \(failFirst), \"fail_every\": \(failEvery), \"chunked\": \(chunked)}"
        _ = try Self.http("POST", proxy.appendingPathComponent("__flaky__/config"), body: body)
    }

    /// (requests forwarded or failed, requests failed) since the last configuration.
    func proxyStats() throws -> (requests: Int, failed: Int) {
        let data = try Self.http("GET", proxy.appendingPathComponent("__flaky__/stats"))
        let stats = try JSONSerialization.jsonObject(with: data) as? [String: Int] ?? [:]
        return (stats["requests"] ?? -1, stats["failed"] ?? -1)
    }

    // MARK: - Processes

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct Skip: Error, CustomStringConvertible {
        let description: String
    }

    private static func venvPython() throws -> String {
        guard let python = Oracle.venvPython else {
            throw Skip(description: "no test venv with moto: run `make test-venv` or set BATCHVISION_TEST_VENV")
        }
        return python
    }

    private static func launch(_ python: String, _ script: String, _ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestData.repositoryRoot.appendingPathComponent("Tests/Oracles/\(script)").path] + arguments
        let stdin = Pipe()
        process.standardInput = stdin
        process.standardOutput = Pipe()
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, stdin)
    }

    /// The first line the process prints (it prints it once it is ready).
    private static func readLine(_ launched: (Process, Pipe)) throws -> String {
        guard let output = launched.0.standardOutput as? Pipe else { throw Failure("no stdout pipe") }
        var bytes: [UInt8] = []
        while !bytes.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw Failure("\(launched.0.arguments ?? []) exited before it was ready") }
            bytes += chunk
        }
        return String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    private static func readJSONLine(_ launched: (Process, Pipe)) throws -> [String: String] {
        let line = try readLine(launched)
        return try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String] ?? [:]
    }

    /// A plain request with a 10 s timeout, for the proxy's control endpoints.
    private static func http(_ method: String, _ url: URL, body: String? = nil) throws -> Data {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        let result = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, error in
            result.value = (data, (response as? HTTPURLResponse)?.statusCode, error)
            done.signal()
        }.resume()
        done.wait()
        guard let (data, status, error) = result.value, error == nil, status == 200, let data else {
            throw Failure("\(method) \(url) failed: \(String(describing: result.value))")
        }
        return data
    }

    private final class Box: @unchecked Sendable {
        var value: (Data?, Int?, (any Error)?)?
    }
}

/// A local TCP port with nothing listening on it (bound, read, closed).
func closedLocalPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw S3TestServers.Failure("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw S3TestServers.Failure("bind() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
