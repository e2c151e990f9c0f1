import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// One HTTP exchange with a bounded body: the only place that talks to `AsyncHTTPClient`.
struct S3Transport: Sendable {
    let http: HTTPClient
    let requestTimeout: Duration

    /// The status and body of one response.
    struct Response: Sendable {
        let status: Int
        let headers: [(name: String, value: String)]
        let body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }
    }

    /// What went wrong below HTTP, sorted by what the caller should do about it.
    enum Problem: Error {
        /// Worth another attempt: a timeout, a reset or closed connection.
        case transient(String)
        /// No connection could be made; another attempt would fail the same way.
        case unreachable(String)
        /// A success body is larger than the caller allows.
        case bodyTooLarge
    }

    /// Error bodies are only read for their `<Code>`; a few KiB is plenty.
    static let maxErrorBodyBytes = 64 << 10

    // MARK: - Exchange

    /// Sends a GET to `address` and reads a success body of at most `maxBodyBytes`.
    ///
    /// The declared `Content-Length` is checked before any body byte is read; a chunked body is
    /// cut off as soon as it passes the limit, so a hostile server cannot make us allocate more.
    ///
    /// - Throws: ``Problem``.
    func get(_ address: S3Address, headers: [(name: String, value: String)], maxBodyBytes: Int) async throws(Problem)
        -> Response
    {
        var request = HTTPClientRequest(url: address.url)
        request.method = .GET
        request.headers.add(name: "host", value: address.host)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(requestTimeout.nanoseconds))
            let status = Int(response.status.code)
            let success = (200..<300).contains(status)
            let limit = success ? maxBodyBytes : Self.maxErrorBodyBytes
            let body = try await Self.readBody(response, limit: limit, truncate: !success)
            return Response(status: status, headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Self.classify(error)
        }
    }

    /// Reads at most `limit` bytes; past it, either stops quietly (`truncate`) or throws.
    private static func readBody(_ response: HTTPClientResponse, limit: Int, truncate: Bool) async throws -> [UInt8] {
        let declared = response.headers.first(name: "content-length").flatMap(Int.init)
        if let declared, declared > limit, !truncate { throw Problem.bodyTooLarge }
        var body: [UInt8] = []
        body.reserveCapacity(min(declared ?? 0, limit))
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= limit else {
                if truncate { break }
                throw Problem.bodyTooLarge
            }
            body += chunk.readableBytesView
        }
        return body
    }

    // MARK: - Error classes

    /// Sorts a client or socket error into transient (retry) and unreachable (stop).
    static func classify(_ error: any Error) -> Problem {
        if let connection = error as? NIOConnectionError {
            let causes = connection.connectionErrors.map { "\($0.error)" }
            let detail = causes.first.map { "\($0)" } ?? connection.dnsAAAAError.map { "\($0)" } ?? "\(connection)"
            return .unreachable("connection to \(connection.host):\(connection.port) failed (\(detail))")
        }
        if let io = error as? IOError, io.errnoCode == ECONNREFUSED {
            return .unreachable("connection refused")
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return .transient("connect timeout")
            case .readTimeout: return .transient("read timeout")
            case .deadlineExceeded: return .transient("request timed out")
            case .remoteConnectionClosed: return .transient("connection closed by the server")
            default: return .transient("\(client)")
            }
        }
        if error is CancellationError { return .transient("cancelled") }
        return .transient("\(error)")
    }
}

extension Duration {
    /// The whole nanoseconds in this duration, saturating instead of overflowing.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
