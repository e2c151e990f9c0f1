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
}
