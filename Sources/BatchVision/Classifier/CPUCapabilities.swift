import DNNLBackend
import Foundation

/// What this CPU can do for inference, as oneDNN sees it: for `batchvision system`, `bench` and summaries.
public enum CPUCapabilities {
    /// The instruction set oneDNN dispatches to: `avx2`, `avx512_core`, `avx512_core_bf16`, `avx512_core_amx`, ...
    public static var isa: String { DNNLBackend.isaDescription }

    /// The precisions the CPU runs natively (`fp32`, and `bf16` with AVX512-BF16 or AMX).
    public static var nativePrecisions: [Precision] { DNNLBackend.nativePrecisions }

    /// How much faster bf16 ran than fp32 on a CPU with oneDNN instruction set `isa`, as measured (batch 16: ResNet-50/152
    /// and EfficientNet-Lite0 1.9-2.1x on Zen 5 with avx512_bf16; ResNet-152 3.8-5.3x on Sapphire Rapids with AMX).
    public static func bf16Speedup(isa: String) -> String { isa.hasPrefix("avx512_core_amx") ? "4-5x" : "about 2x" }

    /// The /proc/cpuinfo flags that decide which kernels are fast, in a fixed order; empty where unknown.
    public static var flags: [String] {
        let wanted = ["avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8"]
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        let present = Set(line.split(separator: " ").map(String.init))
        return wanted.filter(present.contains)
    }
}
