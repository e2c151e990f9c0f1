/// The file formats ``Checkpoint`` reads.
public enum CheckpointFormat: String, Sendable {
    /// `torch.save(..., _use_new_zipfile_serialization=False)`: consecutive pickles, then raw storages.
    case torchLegacy
    /// `torch.save` since torch 1.6: a zip of `data.pkl` and `data/<key>` records.
    case torchZip
    /// Hugging Face safetensors: a JSON header, then raw data.
    case safetensors

    /// Recognises a format from the first bytes of a file, not its name.
    static func detect(_ bytes: UnsafeRawBufferPointer) -> CheckpointFormat? {
        if bytes.count >= 4, bytes[0] == 0x50, bytes[1] == 0x4B, bytes[2] == 0x03 || bytes[2] == 0x05 { return .torchZip }
        if bytes.count >= 2, bytes[0] == 0x80, bytes[1] >= 2 { return .torchLegacy }  // pickle PROTO 2+
        if bytes.count >= 10, bytes[8] == UInt8(ascii: "{") { return .safetensors }
        return nil
    }

    /// Whether the bytes look like the tar archive torch < 0.4 wrote.
    static func isLegacyTar(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 262 && Array(bytes[257..<262]) == Array("ustar".utf8)
    }
}
