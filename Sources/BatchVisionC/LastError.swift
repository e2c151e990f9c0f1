import Foundation

// The thread-local message behind `bv_last_error()`.
//
// A pthread key (not a Swift global) because C callers expect errno-like semantics: each thread
// sees only its own failures, and Ray may call one classifier from several threads.

/// The key under which each thread keeps its last error, a `strdup`ed C string freed on thread exit.
private let lastErrorKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { free($0) }
    return key
}()

/// Replaces this thread's last error (nil clears it).
func setLastError(_ message: String?) {
    let old = pthread_getspecific(lastErrorKey)
    pthread_setspecific(lastErrorKey, message.flatMap { strdup($0) })
    free(old)
}

/// This thread's last error, or nil.
func lastError() -> UnsafePointer<CChar>? {
    pthread_getspecific(lastErrorKey).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
}

/// Runs `body`, clearing the last error first; a throw becomes the last error and `fallback`.
///
/// Every exported call goes through here, so no Swift error ever crosses into C.
func reportingErrors<T>(_ fallback: T, _ body: () throws -> T) -> T {
    setLastError(nil)
    do {
        return try body()
    } catch {
        setLastError("\(error)")
        return fallback
    }
}

/// A misuse of the C ABI: the message names the argument.
struct CallError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@_cdecl("bv_last_error")
public func bv_last_error() -> UnsafePointer<CChar>? {
    lastError()
}
