import Foundation

/// Buffers for activations, scratchpads and weights: allocated once per plan or model, touched at once.
///
/// Large buffers are aligned to 2 MiB and offered to the kernel as transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`: Debian's default THP mode is `madvise`, so plain `malloc` memory never gets them),
/// and every buffer is written once at allocation, so that the page faults happen while compiling rather than
/// in the first batches.
enum Buffers {
    static let hugePage = 2 << 20

    /// `bytes` of zeroed memory, 64-byte aligned (2 MiB aligned and huge-page advised from 2 MiB up).
    static func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
        let huge = bytes >= hugePage && ProcessInfo.processInfo.environment["BATCHVISION_HUGEPAGES"] != "0"
        let size = huge ? (bytes + hugePage - 1) / hugePage * hugePage : bytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: huge ? hugePage : 64)
        if huge { _ = madvise(buffer, size, MADV_HUGEPAGE) }
        if ProcessInfo.processInfo.environment["BATCHVISION_PRETOUCH"] != "0" { buffer.initializeMemory(as: UInt8.self, repeating: 0, count: bytes) }
        return buffer
    }
}
