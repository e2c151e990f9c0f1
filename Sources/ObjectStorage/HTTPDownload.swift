import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

/// Fetches one file over HTTP(S) to disk, for model weights published at a plain address.
///
/// It goes through AsyncHTTPClient like the S3 client, not Foundation's `URLSession`: that lives
/// in FoundationNetworking, which pulls libcurl into every binary linking it, including the C ABI
/// library that Python loads. The body streams to disk and through SHA-256 chunk by chunk, so a
/// 240 MB checkpoint never sits in memory; a body past `maxBytes` is cut off with an error.
public enum HTTPDownload {
    /// Why a download failed, in words for the user.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Downloads `address` into the file at `path` (created or truncated) and returns the body's
    /// SHA-256 as lowercase hex. Blocks the calling thread.
    public static func fetch(_ address: String, to path: String, maxBytes: Int, timeout: Duration) throws(Failure) -> String {
        do {
            return try runBlocking { try await fetchAsync(address, to: path, maxBytes: maxBytes, timeout: timeout) }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(S3Transport.classify(error))")
        }
    }

    private static func fetchAsync(_ address: String, to path: String, maxBytes: Int, timeout: Duration) async throws -> String {
        guard FileManager.default.createFile(atPath: path, contents: nil), let file = FileHandle(forWritingAtPath: path) else {
            throw Failure(description: "cannot write \(path)")
        }
        defer { try? file.close() }
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: address), timeout: .nanoseconds(timeout.nanoseconds))
        guard response.status == .ok else { throw Failure(description: "\(address) answered HTTP \(response.status.code)") }
        if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > maxBytes {
            throw Failure(description: "\(address) is \(declared) bytes, more than the \(maxBytes) allowed")
        }
        var hash = SHA256()
        var received = 0
        for try await chunk in response.body {
            received += chunk.readableBytes
            guard received <= maxBytes else { throw Failure(description: "\(address) sent more than \(maxBytes) bytes") }
            chunk.withUnsafeReadableBytes { hash.update(bufferPointer: $0) }
            try file.write(contentsOf: Data(chunk.readableBytesView))
        }
        try file.synchronize()
        return hash.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
