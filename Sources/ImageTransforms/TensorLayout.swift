/// The order in which a preprocessed image's floats are written.
public enum TensorLayout: String, Sendable {
    /// (3, H, W): channel planes, what PyTorch models take.
    case chw
    /// (H, W, 3): interleaved channels, what channels-last backends take.
    case hwc
}
