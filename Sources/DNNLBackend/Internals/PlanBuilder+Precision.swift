import CDNNL
import InferenceGraph

extension PlanBuilder {
    /// The data type a precision computes and stores its float values in: f32 or bf16, and for int8, what its
    /// layers left in float run in. bf16 there when the CPU has it natively and the calibration makes every
    /// convolution and linear layer but the head int8, so that only weightless steps stay float (a transformer's
    /// attention products, softmax, LayerNorm and residual stream, as OpenVINO runs them there by default):
    /// ViT-B/16 int8 1.13-1.19x faster (Zen 5, batch 16), agreeing with fp32 on 149 of 150 dev photos' top-1 (150
    /// with the remainder in f32; the one is a near tie of seeded random weights). Where a layer with weights stays float (depthwise convolutions; an entry deleted to keep a layer
    /// exact), the remainder stays f32: in bf16, EfficientNet-Lite0's depthwise layers lost one more of 150 top-1
    /// agreements (148 instead of 149), below the 99% floor int8 is held to.
    static func floatType(_ precision: Precision, _ graph: Graph, _ calibration: Calibration?) -> dnnl_data_type_t {
        switch precision {
        case .fp32: return dnnl_f32
        case .bf16: return dnnl_bf16
        case .int8:
            guard DNNLBackend.hasNativeBF16 else { return dnnl_f32 }
            let head = head(of: graph)
            let allInt8 = graph.nodes.indices.allSatisfy { i in
                i == head || !computeLayers.contains(graph.nodes[i].op.kind)
                    || int8Layer(graph.nodes[i], precision: precision, calibration: calibration) != nil
            }
            return allInt8 ? dnnl_bf16 : dnnl_f32
        }
    }

    /// The layers with weights that compute in ``computeType`` (or int8).
    static let computeLayers: Set = ["conv2d", "linear"]

    /// The graph's last compute layer, its head (ResNet's `fc`, SqueezeNet's final 1x1 convolution).
    static func head(of graph: Graph) -> Int? { graph.nodes.lastIndex { computeLayers.contains($0.op.kind) } }

    /// The data type the current convolution or inner product writes: the compute type, except for the head
    /// (see ``head(of:)``), which writes f32.
    ///
    /// Only pooling, flatten and activations follow the head, so its output is the logits to within their
    /// rounding: in bf16 (3 significant digits) near-ties of top-1 would become coin tosses, and the conversion
    /// to the caller's f32 would be needed anyway. Every other layer writes the compute type, so bf16 activations
    /// flow from layer to layer with no conversion.
    var layerOutputType: dnnl_data_type_t {
        current == head ? dnnl_f32 : computeType
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
