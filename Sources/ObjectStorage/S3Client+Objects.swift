// MARK: - Listing and reading objects

extension S3Client {
    /// Every object under `location`, sorted by key (UTF-8 byte order, as S3 lists).
    ///
    /// Follows ListObjectsV2 pages (`continuation-token`) until the listing ends or `limit`
    /// objects have been found, whichever is first.
    ///
    /// - Parameters:
    ///   - location: the bucket and prefix; `anonymous` locations are listed unsigned.
    ///   - limit: at most this many objects (the first ones in key order).
    /// - Throws: ``S3Error``; ``S3Error/listingTooLarge(url:limit:)`` past
    ///   ``S3Configuration/maxListedObjects``.
    public func list(_ location: S3URL, limit: Int? = nil) async throws -> [S3Object] {
        try requireCredentials(anonymous: location.anonymous, bucket: location.bucket)
        let url = location.description
        let wanted = limit.map { max(0, $0) } ?? Int.max
        var objects: [S3Object] = []
        var token: String?
        while objects.count < wanted {
            let query = listQuery(prefix: location.prefix, maxKeys: min(1000, wanted - objects.count), token: token)
            let body = try await perform(
                bucket: location.bucket, key: nil, query: query, anonymous: location.anonymous, displayURL: url,
                maxBodyBytes: Self.maxListingPageBytes)
            let page = try parsePage(body, location: location)
            objects += page.objects
            guard objects.count <= configuration.maxListedObjects else {
                throw S3Error.listingTooLarge(url: url, limit: configuration.maxListedObjects)
            }
            guard page.isTruncated else { break }
            // A truncated page must move the cursor, or a broken server would keep us here forever.
            guard let next = page.nextContinuationToken, !next.isEmpty, next != token else {
                throw S3Error.malformedResponse(url: url, reason: "a truncated page has no new continuation token")
            }
            token = next
        }
        objects.sort(by: S3Object.keyOrder)
        return objects.count > wanted ? Array(objects.prefix(wanted)) : objects
    }

    /// The bytes of one object.
    ///
    /// - Throws: ``S3Error``; ``S3Error/objectTooLarge(url:limit:)`` past
    ///   ``S3Configuration/maxObjectBytes``, before reading the body when its length is declared.
    public func getObject(bucket: String, key: String, anonymous: Bool) async throws -> [UInt8] {
        let url = "s3://\(bucket)/\(key)"
        if let problem = S3URL.bucketProblem(Substring(bucket)) { throw S3Error.invalidURL(url, reason: problem) }
        if key.isEmpty { throw S3Error.invalidURL(url, reason: "the object key is empty") }
        if let problem = S3URL.keyProblem(key) { throw S3Error.invalidURL(url, reason: problem) }
        try requireCredentials(anonymous: anonymous, bucket: bucket)
        return try await perform(
            bucket: bucket, key: key, query: [], anonymous: anonymous, displayURL: url,
            maxBodyBytes: configuration.maxObjectBytes)
    }

    // MARK: - Helpers

    private func requireCredentials(anonymous: Bool, bucket: String) throws {
        if !anonymous, configuration.credentials == nil { throw S3Error.missingCredentials(bucket: bucket) }
    }

    private func listQuery(prefix: String, maxKeys: Int, token: String?) -> [(name: String, value: String)] {
        var query: [(name: String, value: String)] = [
            ("list-type", "2"), ("encoding-type", "url"), ("max-keys", String(maxKeys)),
        ]
        if !prefix.isEmpty { query.append(("prefix", prefix)) }
        if let token { query.append(("continuation-token", token)) }
        return query
    }

    /// Parses a page and checks that every key really starts with the prefix asked for.
    private func parsePage(_ body: [UInt8], location: S3URL) throws -> ListObjectsPage {
        let page: ListObjectsPage
        do {
            page = try ListObjectsParser.parse(body, urlEncoded: true)
        } catch {
            throw S3Error.malformedResponse(url: location.description, reason: error.reason)
        }
        if let stray = page.objects.first(where: { !$0.key.hasPrefix(location.prefix) }) {
            throw S3Error.malformedResponse(
                url: location.description, reason: "listed key '\(stray.key)' is outside the prefix")
        }
        return page
    }
}
