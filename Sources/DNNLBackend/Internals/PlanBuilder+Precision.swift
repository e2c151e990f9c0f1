import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// The data type the current convolution or inner product writes: the compute type, except for the graph's
    /// last such layer (the head: ResNet's `fc`, SqueezeNet's final 1x1 convolution), which writes f32.
    ///
    /// Only pooling, flatten and activations follow the head, so its output is the logits to within their
    /// rounding: in bf16 (3 significant digits) near-ties of top-1 would become coin tosses, and the conversion
    /// to the caller's f32 would be needed anyway. Every other layer writes the compute type, so bf16 activations
    /// flow from layer to layer with no conversion.
    var layerOutputType: dnnl_data_type_t {
        let computeLayers: Set = ["conv2d", "linear"]
        let head = graph.nodes.lastIndex { computeLayers.contains($0.op.kind) }
        return current == head ? dnnl_f32 : computeType
    }

    /// Whether the activation layout a convolution chose is one the pooling, binary and eltwise kernels that
    /// may read it have a JIT kernel for: anything but 8-channel blocks (`aBcd8b`) on AVX-512, whose kernels
    /// work on 16 channels at a time.
    ///
    /// NOTE: for grouped convolutions of 8 channels a group (RegNetY-400MF/800MF) oneDNN 2.6 picks `aBcd8b` even
    /// on AVX-512, and the squeeze-excitation's multiply (and in bf16 its pooling) reading it then falls to
    /// `ref:any`: 20-40 ms each at batch 2, more than the rest of the block. Asked for channels-last instead,
    /// the convolution keeps a JIT kernel and everything after it does too.
    func hasJITConsumers(_ md: dnnl_memory_desc_t) -> Bool {
        guard DNNLBackend.hasAVX512, md.format_kind == dnnl_blocked else { return true }
        let blocking = md.format_desc.blocking
        return !(blocking.inner_nblks == 1 && blocking.inner_idxs.0 == 1 && blocking.inner_blks.0 == 8)
    }

    /// Whether convolutions ask for 16-channel blocks (`nChw16c`) instead of oneDNN's own choice of layout.
    ///
    /// On AVX-512, asked for `format_tag_any`, oneDNN 2.6 gives convolutions channels-last activations and its
    /// brgemm kernels (`brgconv_1x1`, `brdgmm_dw`). In 16-channel blocks it runs them with its older JIT kernels
    /// (`jit_1x1`, `jit_dw`, `jit_bf16_1x1`), which were faster or level on every model measured (Zen 5, batch 16,
    /// 2 threads, 2026-12-03): fp32 EfficientNet-B0 1.2-1.4x, MobileNetV3-L 1.1-1.4x, ResNet-50 1.03x, ConvNeXt-T
    /// level; bf16 ResNet-50 and ResNet-152 1.05x, EfficientNet-B0 and MobileNetV3-L level to 1.07x. Not on
    /// AMX: only the brgemm kernels use its bf16 tiles. Not for int8 either: its integer layers are channels-last,
    /// and the layers it leaves in fp32 stay so too rather than reorder twice.
    static func prefersBlockedActivations(_ precision: Precision) -> Bool {
        switch precision {
        case .fp32: DNNLBackend.hasAVX512
        case .bf16: DNNLBackend.hasAVX512 && !DNNLBackend.hasAMX
        case .int8: false
        }
    }
}
