/// One object found by a listing: its key and the size S3 reported for it.
///
/// The size is what the listing said, not a promise: ``S3Client/getObject(bucket:key:anonymous:)``
/// enforces its own cap whatever this says.
public struct S3Object: Sendable, Hashable {
    /// The full key, prefix included.
    public let key: String
    /// The size in bytes the listing reported.
    public let size: Int

    public init(key: String, size: Int) {
        self.key = key
        self.size = size
    }
}

extension S3Object {
    /// S3's listing order: keys compared as UTF-8 bytes, which `String`'s `<` does not do.
    static func keyOrder(_ a: S3Object, _ b: S3Object) -> Bool {
        a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
    }
}
