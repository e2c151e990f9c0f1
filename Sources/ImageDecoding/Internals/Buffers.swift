// MARK: - Buffers filled by typed-throwing closures

extension Array where Element == UInt8 {
    /// A zeroed array of `count` bytes that `body` fills; `body`'s typed error propagates.
    static func filled(
        count: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) throws(ImageDecodingError) -> Void
    ) throws(ImageDecodingError) -> [UInt8] {
        var array = [UInt8](repeating: 0, count: count)
        var failure: ImageDecodingError?
        array.withUnsafeMutableBufferPointer { buffer in
            do throws(ImageDecodingError) { try body(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
        return array
    }
}

/// Runs `body` over the bytes of `array`, keeping `body`'s typed error.
func withBytes<R>(
    of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ImageDecodingError) -> R
) throws(ImageDecodingError) -> R {
    let result: Result<R, ImageDecodingError> = array.withUnsafeBytes { bytes in
        do throws(ImageDecodingError) { return .success(try body(bytes)) } catch { return .failure(error) }
    }
    return try result.get()
}

/// Refuses `width × height` over `budget` (or overflowing), before anything is allocated.
func checkPixelBudget(width: Int, height: Int, budget: Int) throws(ImageDecodingError) {
    let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
    guard !overflow, pixels <= budget else { throw .tooManyPixels(width: width, height: height, budget: budget) }
}
