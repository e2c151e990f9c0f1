import Foundation

/// The INI-style files the AWS CLI reads: `~/.aws/credentials` and `~/.aws/config`.
///
/// ```
/// [default]                       credentials file: the section is the profile name
/// aws_access_key_id = AKIA...
/// [profile dev]                   config file: "profile " before every name but default
/// region = eu-west-1
/// s3 =
///     endpoint_url = http://...   nested settings are kept as "s3.endpoint_url"
/// ```
///
/// Keys are lowercased like Python's `configparser` does; `#` and `;` start comment lines.
struct AWSConfigFile: Sendable {
    /// Which of the two files this is; they name profile sections differently.
    enum Kind: Sendable { case credentials, config }

    /// Settings by section header (as written inside the brackets, trimmed).
    let sections: [String: [String: String]]
    let kind: Kind

    /// A config file larger than this is not an AWS config file; refusing it bounds memory.
    static let maxBytes = 1 << 20

    // MARK: - Loading

    /// Reads and parses the file at `path`; nil when there is no such file.
    ///
    /// - Throws: ``S3Error/configuration(_:)`` when the file exists but cannot be read or is too big.
    static func load(path: String, kind: Kind) throws -> AWSConfigFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes?[.size] as? Int, size > maxBytes {
            throw S3Error.configuration("\(path) is \(size) bytes; an AWS config file is at most \(maxBytes)")
        }
        guard let data = FileManager.default.contents(atPath: path), data.count <= maxBytes else {
            throw S3Error.configuration("cannot read \(path)")
        }
        return AWSConfigFile(parsing: String(decoding: data, as: UTF8.self), kind: kind)
    }

    /// Parses the text of a credentials or config file; lines it does not understand are skipped.
    init(parsing text: String, kind: Kind) {
        var sections: [String: [String: String]] = [:]
        var section: String?
        var parentKey: String?  // the key of a "s3 =" line whose indented lines follow
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                parentKey = nil
                continue
            }
            guard let section, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            let indented = rawLine.first?.isWhitespace == true
            if indented, let parentKey {
                sections[section, default: [:]]["\(parentKey).\(key)"] = value
            } else {
                sections[section, default: [:]][key] = value
                parentKey = value.isEmpty ? key : nil
            }
        }
        self.sections = sections
        self.kind = kind
    }

    // MARK: - Profiles

    /// The settings of profile `name`, or nil when the file has no such profile.
    func profile(_ name: String) -> [String: String]? {
        switch kind {
        case .credentials:
            return sections[name]
        case .config:
            // The CLI accepts both [default] and [profile default]; other profiles need "profile ".
            if name == "default", let plain = sections["default"] { return plain }
            return sections.first { header, _ in
                header.hasPrefix("profile ") && header.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces) == name
            }?.value
        }
    }
}
