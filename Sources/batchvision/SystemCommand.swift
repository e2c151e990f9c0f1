import ArgumentParser
import BatchVision
import Foundation

/// `batchvision system`: what this CPU can do, as oneDNN sees it, and which precisions run natively.
struct SystemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system",
        abstract: "Show the instruction set oneDNN uses on this CPU and the precisions it runs natively.",
        discussion: "The same CPU model can come with AVX2 only, AVX-512 with avx512_bf16, or AMX: bf16 is \(CPUCapabilities.bf16Speedup(isa: "avx512_core_bf16")) as fast as fp32 with avx512_bf16 and \(CPUCapabilities.bf16Speedup(isa: "avx512_core_amx")) with AMX (ResNets, batch 16); without either, it falls back to fp32 with a warning.")

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() throws {
        let native = CPUCapabilities.nativePrecisions.map(\.rawValue)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if json {
            let object: [String: Any] = [
                "isa": CPUCapabilities.isa, "cpu_flags": CPUCapabilities.flags, "native_precisions": native, "cores": cores,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
            return
        }
        print("oneDNN instruction set: \(CPUCapabilities.isa)")
        print("CPU flags: \(CPUCapabilities.flags.joined(separator: " "))")
        print("native precisions: \(native.joined(separator: ", "))")
        print("cores: \(cores)")
        if !native.contains("bf16") { print("bf16 needs avx512_bf16 or AMX; here --precision bf16 runs fp32 with a warning") }
    }
}
