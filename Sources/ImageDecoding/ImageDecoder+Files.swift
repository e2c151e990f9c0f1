import Foundation
import TensorCore

// MARK: - Reading files, bounded

extension ImageDecoder {
    /// Reads and decodes the file at `url`; see ``decode(_:)-(UnsafeRawBufferPointer)``.
    ///
    /// - Throws: ``ImageDecodingError/fileTooLarge(bytes:limit:)`` before reading a file over
    ///   ``DecodeOptions/maximumFileBytes``, ``ImageDecodingError/unreadable(reason:)`` when it
    ///   cannot be read, and any decoding error.
    public func decode(contentsOf url: URL) throws(ImageDecodingError) -> RGBImage {
        try decode(try readFile(url))
    }

    /// Reads the file at `url` and returns its header facts; see ``info(_:)``.
    public func info(contentsOf url: URL) throws(ImageDecodingError) -> ImageInfo {
        try withBytes(of: try readFile(url)) { (raw) throws(ImageDecodingError) in try info(raw) }
    }

    /// The file's bytes, refusing a file over the size limit before reading it.
    func readFile(_ url: URL) throws(ImageDecodingError) -> [UInt8] {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch { throw .unreadable(reason: Self.describe(error, url)) }
        defer { try? handle.close() }
        do {
            let size = Int(try handle.seekToEnd())
            guard size <= options.maximumFileBytes else { throw ImageDecodingError.fileTooLarge(bytes: size, limit: options.maximumFileBytes) }
            try handle.seek(toOffset: 0)
            // Read one byte past the limit so a file that grew meanwhile is still caught.
            let data = try handle.read(upToCount: options.maximumFileBytes + 1) ?? Data()
            guard data.count <= options.maximumFileBytes else {
                throw ImageDecodingError.fileTooLarge(bytes: data.count, limit: options.maximumFileBytes)
            }
            return [UInt8](data)
        } catch let error as ImageDecodingError {
            throw error
        } catch {
            throw .unreadable(reason: Self.describe(error, url))
        }
    }

    private static func describe(_ error: any Error, _ url: URL) -> String {
        let text = (error as NSError).localizedDescription
        return "\(url.path): \(text)"
    }
}
