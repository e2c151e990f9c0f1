// CImageKernels: the hot loops of preprocessing, in C so they get -O3 and per-function SIMD targets.
//
// Images are RGB8, HWC, rows packed with no padding (what TensorCore.RGBImage holds).
// Every entry point takes a `variant` (BV_KERNEL_*); BV_KERNEL_AUTO picks the widest the CPU supports.
// All variants produce identical bytes: the arithmetic is Pillow's 22-bit fixed point, done in int32.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Which implementation of the row kernels to run.
enum {
    BV_KERNEL_AUTO = 0,
    BV_KERNEL_SCALAR = 1,
    BV_KERNEL_AVX2 = 2,
    BV_KERNEL_AVX512 = 3,
};

/// The widest variant this CPU runs (BV_KERNEL_SCALAR, _AVX2 or _AVX512).
int32_t bv_kernel_best_variant(void);

/// Whether `variant` can run on this CPU (AUTO and SCALAR always can).
int32_t bv_kernel_supported(int32_t variant);

/// Resampling filters, numbered as Pillow's `Image.Resampling` (BILINEAR = 2, BICUBIC = 3).
enum {
    BV_FILTER_BILINEAR = 2,  ///< triangle, support 1
    BV_FILTER_BICUBIC = 3,   ///< Keys' cubic with a = -0.5, support 2; taps can be negative
};

/// Status codes of the entry points below.
enum {
    BV_OK = 0,
    BV_ERROR_MEMORY = -1,    ///< scratch memory could not be had
    BV_ERROR_ARGUMENT = -2,  ///< unknown filter, or a variant this CPU cannot run
};

/// Pillow-exact antialiased resize of a whole image (`img.resize((dst_w, dst_h), filter)`).
///
/// (src_h, src_w, 3) u8 -> (dst_h, dst_w, 3) u8. Returns BV_OK or a BV_ERROR_* code.
int32_t bv_resize_rgb8(const uint8_t *src, int32_t src_width, int32_t src_height,
                       uint8_t *dst, int32_t dst_width, int32_t dst_height, int32_t filter, int32_t variant);

/// Where the resized image lands in the crop, per torchvision's center_crop (with its zero padding).
///
/// The window `[window_x, +window_width) x [window_y, +window_height)` of the resized image is copied to
/// the crop at `(crop_x, crop_y)`; every other crop pixel is padding (value 0 before normalisation).
typedef struct bv_crop_geometry {
    int32_t resized_width, resized_height;
    int32_t window_x, window_y, window_width, window_height;
    int32_t crop_x, crop_y, crop_width, crop_height;
} bv_crop_geometry;

/// Output layouts for bv_preprocess_rgb8.
enum { BV_LAYOUT_CHW = 0, BV_LAYOUT_HWC = 1 };

/// Resize (Pillow's `filter`), center-crop and normalise in one pass, computing only the crop's pixels.
///
/// `lut` holds 3 x 256 floats: lut[c * 256 + v] is channel c's normalised value of byte v.
/// `dst` receives 3 * crop_height * crop_width floats in `layout` order.
/// Returns BV_OK or a BV_ERROR_* code.
int32_t bv_preprocess_rgb8(const uint8_t *src, int32_t src_width, int32_t src_height,
                           const bv_crop_geometry *geometry, const float *lut,
                           float *dst, int32_t layout, int32_t filter, int32_t variant);

#ifdef __cplusplus
}
#endif
