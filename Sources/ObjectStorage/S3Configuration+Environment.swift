import Foundation

extension S3Configuration {
    /// Reads the configuration from the standard AWS sources, as the AWS CLI does.
    ///
    /// Precedence, first found wins:
    /// - credentials: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`), unless
    ///   `profile` is passed explicitly; then the profile's section of the shared credentials file
    ///   (`AWS_SHARED_CREDENTIALS_FILE`, default `~/.aws/credentials`); then of the config file
    ///   (`AWS_CONFIG_FILE`, default `~/.aws/config`, sections `[profile name]`).
    /// - profile: `profile`, then `AWS_PROFILE`, then `default`.
    /// - region: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, then `us-east-1`.
    /// - endpoint: `endpointOverride` (the CLI's `--s3-endpoint`), `AWS_ENDPOINT_URL_S3`,
    ///   `AWS_ENDPOINT_URL`, the profile's `s3.endpoint_url` or `endpoint_url`, then AWS itself.
    ///
    /// No credentials is not an error: anonymous reads still work.
    ///
    /// - Throws: ``S3Error`` when a source is present but wrong: half a key pair, a named profile
    ///   found in neither file, an unreadable file, a malformed endpoint.
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment, endpointOverride: String? = nil,
        profile: String? = nil
    ) throws -> S3Configuration {
        let profileName = nonEmpty(profile) ?? nonEmpty(env["AWS_PROFILE"]) ?? "default"
        let files = try ProfileFiles(env: env)
        let credentialsSection = files.credentials?.profile(profileName)
        let configSection = files.config?.profile(profileName)
        if profileName != "default", credentialsSection == nil, configSection == nil {
            throw S3Error.configuration(
                "AWS profile '\(profileName)' is in neither \(files.credentialsPath) nor \(files.configPath)")
        }
        let fromEnv = profile == nil ? try environmentCredentials(env) : nil
        var configuration = S3Configuration()
        configuration.credentials = fromEnv ?? profileCredentials(credentialsSection) ?? profileCredentials(configSection)
        configuration.region =
            nonEmpty(env["AWS_REGION"]) ?? nonEmpty(env["AWS_DEFAULT_REGION"]) ?? nonEmpty(configSection?["region"])
            ?? "us-east-1"
        let endpoint =
            nonEmpty(endpointOverride) ?? nonEmpty(env["AWS_ENDPOINT_URL_S3"]) ?? nonEmpty(env["AWS_ENDPOINT_URL"])
            ?? nonEmpty(configSection?["s3.endpoint_url"]) ?? nonEmpty(configSection?["endpoint_url"])
        configuration.endpoint = try endpoint.map(parseEndpoint)
        return configuration
    }

    // MARK: - Sources

    /// The two shared files, wherever the environment puts them.
    private struct ProfileFiles {
        let credentialsPath: String
        let configPath: String
        let credentials: AWSConfigFile?
        let config: AWSConfigFile?

        init(env: [String: String]) throws {
            let home = nonEmpty(env["HOME"]) ?? NSHomeDirectory()
            credentialsPath = nonEmpty(env["AWS_SHARED_CREDENTIALS_FILE"]) ?? "\(home)/.aws/credentials"
            configPath = nonEmpty(env["AWS_CONFIG_FILE"]) ?? "\(home)/.aws/config"
            credentials = try AWSConfigFile.load(path: credentialsPath, kind: .credentials)
            config = try AWSConfigFile.load(path: configPath, kind: .config)
        }
    }

    /// The key pair in the environment; nil when neither half is set.
    private static func environmentCredentials(_ env: [String: String]) throws -> S3Credentials? {
        let id = nonEmpty(env["AWS_ACCESS_KEY_ID"])
        let secret = nonEmpty(env["AWS_SECRET_ACCESS_KEY"])
        switch (id, secret) {
        case let (id?, secret?):
            return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: nonEmpty(env["AWS_SESSION_TOKEN"]))
        case (nil, nil):
            return nil
        default:
            throw S3Error.configuration("only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set")
        }
    }

    /// The key pair in one profile section; nil unless both halves are there.
    private static func profileCredentials(_ section: [String: String]?) -> S3Credentials? {
        guard let id = nonEmpty(section?["aws_access_key_id"]), let secret = nonEmpty(section?["aws_secret_access_key"])
        else { return nil }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: nonEmpty(section?["aws_session_token"]))
    }
}

/// `value` unless it is nil or empty: an empty variable counts as unset, as in the AWS CLI.
private func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}
