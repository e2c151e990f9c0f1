import Foundation

// MARK: - One request, signed and retried

extension S3Client {
    /// GETs `key` in `bucket` (the bucket itself when nil) and returns the success body.
    ///
    /// Tries up to ``RetryPolicy/maxAttempts`` times on 5xx answers, timeouts and dropped
    /// connections, waiting a jittered, growing delay between tries. A 4xx ends it at once with
    /// the matching ``S3Error``; so does a connection that cannot be opened at all. On AWS, an
    /// answer that the bucket lives in another region is followed once and remembered.
    func perform(
        bucket: String, key: String?, query: [(name: String, value: String)], anonymous: Bool, displayURL: String,
        maxBodyBytes: Int
    ) async throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        var followedRegion = false
        while true {
            let region = bucketRegions.withLockedValue { $0[bucket] } ?? configuration.region
            let address = S3Address(
                endpoint: configuration.endpoint, region: region, bucket: bucket, key: key, query: query)
            let lastProblem: String
            do {
                let response = try await transport.get(
                    address, headers: signingHeaders(address, region: region, anonymous: anonymous),
                    maxBodyBytes: maxBodyBytes)
                if (200..<300).contains(response.status) { return response.body }
                let error = S3ErrorResponse(parsing: response.body)
                if !followedRegion, let other = otherRegion(response, error, current: region) {
                    bucketRegions.withLockedValue { $0[bucket] = other }
                    followedRegion = true
                    continue
                }
                guard RetryPolicy.isRetryable(status: response.status) else {
                    throw failure(status: response.status, error: error, key: key, anonymous: anonymous, url: displayURL)
                }
                lastProblem = "HTTP \(response.status)" + (error.code.isEmpty ? "" : " \(error.code)")
            } catch S3Transport.Problem.transient(let description) {
                lastProblem = description
            } catch S3Transport.Problem.unreachable(let description) {
                throw S3Error.unreachable(endpoint: endpointDescription(address), detail: description)
            } catch S3Transport.Problem.bodyTooLarge {
                throw S3Error.objectTooLarge(url: displayURL, limit: maxBodyBytes)
            }
            guard attempt < configuration.retry.maxAttempts else {
                throw S3Error.retriesExhausted(url: displayURL, attempts: attempt, lastProblem: lastProblem)
            }
            try await Task.sleep(for: configuration.retry.delay(beforeRetry: attempt, using: &generator))
            attempt += 1
        }
    }

    // MARK: - Pieces

    /// The SigV4 headers for a signed request; none for an anonymous one.
    private func signingHeaders(_ address: S3Address, region: String, anonymous: Bool) -> [(name: String, value: String)] {
        guard !anonymous, let credentials = configuration.credentials else { return [] }
        let signer = SigV4Signer(credentials: credentials, region: region)
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: address.encodedPath, query: address.query, headers: [("host", address.host)])
        return signer.signingHeaders(for: request, payloadHash: SigV4Signer.emptyPayloadHash, date: Date())
    }

    /// The region AWS says the bucket is in, when that is not the one we used.
    private func otherRegion(_ response: S3Transport.Response, _ error: S3ErrorResponse, current: String) -> String? {
        guard configuration.endpoint == nil, [301, 307, 400].contains(response.status) else { return nil }
        let region = response.header("x-amz-bucket-region") ?? error.region
        guard let region, region != current, !region.isEmpty, region.utf8.count <= 32,
            region.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return region
    }

    /// The error for a final (non-retryable) failure status.
    private func failure(status: Int, error: S3ErrorResponse, key: String?, anonymous: Bool, url: String) -> S3Error {
        switch (status, error.code) {
        case (403, let code):
            return .accessDenied(url: url, code: code.isEmpty ? "Forbidden" : code, signed: !anonymous)
        case (404, "NoSuchBucket"):
            return .noSuchBucket(bucketName(of: url))
        case (404, "NoSuchKey"):
            return .noSuchKey(url: url)
        case (404, "") where key != nil:
            return .noSuchKey(url: url)
        case (404, ""):
            return .noSuchBucket(bucketName(of: url))
        default:
            return .requestFailed(url: url, status: status, code: error.code.isEmpty ? "(no error code)" : error.code)
        }
    }

    private func bucketName(of url: String) -> String {
        let rest = url.dropFirst("s3://".count)
        let authority = rest.prefix { $0 != "/" }
        return String(authority.split(separator: "@").last ?? authority)
    }

    private func endpointDescription(_ address: S3Address) -> String {
        configuration.endpoint?.absoluteString ?? "https://\(address.host)"
    }
}
