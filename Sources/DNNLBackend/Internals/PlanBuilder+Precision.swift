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
}
