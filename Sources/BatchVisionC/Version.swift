import BatchVision
import Foundation

/// `BATCHVISION_ABI_VERSION` in include/batchvision.h; bump both together.
let abiVersion: Int32 = 3

/// `batchVisionVersion` as a C string that lives as long as the process.
nonisolated(unsafe) private let versionCString: UnsafeMutablePointer<CChar>? = strdup(batchVisionVersion)

@_cdecl("bv_version")
public func bv_version() -> UnsafePointer<CChar>? {
    versionCString.map { UnsafePointer($0) }
}

@_cdecl("bv_abi_version")
public func bv_abi_version() -> Int32 {
    abiVersion
}
