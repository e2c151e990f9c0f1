// Internal declarations shared by the resampling files; not part of the module's public header.
//
// Port of the 8-bit path of Pillow 9.4 `src/libImaging/Resample.c` (precompute_coeffs,
// normalize_coeffs_8bpc, ImagingResampleHorizontal_8bpc / Vertical_8bpc), restructured so that only
// the pixels a caller asks for are computed, with SIMD row kernels that keep Pillow's int32 math.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// Pillow's PRECISION_BITS (32 - 8 - 2): coefficients are fixed point with 22 fractional bits.
#define BV_PRECISION_BITS 22
/// Coefficient rows are zero-padded to a multiple of this many taps, so SIMD kernels load 4 at a time.
#define BV_TAP_GROUP 4
/// Columns per block in the blocked coefficient layout that the gather kernels use.
#define BV_BLOCK 16
/// Bytes a window row may be written past its end (block stores), and ring rows therefore carry.
#define BV_ROW_SLACK 64

/// Bytes a horizontal kernel may read past the end of a source row (always multiplied by zero taps).
static inline size_t bv_row_overread(int32_t stride) { return (size_t)stride * 3 + 16; }

/// Fixed-point filter taps for a run of consecutive output positions along one axis.
typedef struct bv_axis {
    int32_t count;    ///< output positions described
    int32_t stride;   ///< int32s per position in `coeffs`: a multiple of BV_TAP_GROUP >= every tap count
    int32_t *first;   ///< first input index per position
    int32_t *taps;    ///< tap count per position
    int32_t *coeffs;  ///< count x stride, zero past `taps`
    /// Blocked copy for gather kernels: per block of BV_BLOCK positions, `block_taps[b]` rows of
    /// BV_BLOCK coefficients (`blocked + b * stride * BV_BLOCK`, tap-major); positions past `count`
    /// repeat the last position's `first` with zero coefficients.
    int32_t *block_taps;
    int32_t *block_first;  ///< first input index per lane, count rounded up to BV_BLOCK
    int32_t *blocked;
} bv_axis;

/// A resampling filter, as Pillow's `struct filter`: its weight function, and its support (half-width
/// in input pixels) when not downscaling.
typedef struct bv_filter {
    double (*weight)(double x);
    double support;
} bv_filter;

/// Pillow's filter for `filter` (BV_FILTER_*), or NULL when there is no such filter.
const bv_filter *bv_filter_for(int32_t filter);

/// The coefficient stride `bv_axis_compute` will use for this scale and filter.
int32_t bv_axis_stride(int32_t in_size, int32_t out_size, const bv_filter *filter);

/// Pillow's taps for output positions [first_out, first_out + axis->count) of an in_size -> out_size
/// resize with `filter`. `scratch` holds at least `stride` doubles.
void bv_axis_compute(bv_axis *axis, int32_t in_size, int32_t out_size, int32_t first_out, const bv_filter *filter,
                     double *scratch);

/// Blocks of BV_BLOCK positions in `count`.
static inline int32_t bv_axis_blocks(int32_t count) { return (count + BV_BLOCK - 1) / BV_BLOCK; }

/// Fills the blocked layout from `first`, `taps`, `coeffs`.
void bv_axis_block(bv_axis *axis);

/// One row of the horizontal pass: (in_w, 3) u8 -> (axis->count, 3) u8.
///
/// `src` is readable for bv_row_overread(axis->stride) bytes past the row; `dst` is writable for
/// BV_ROW_SLACK bytes past it.
typedef void (*bv_horizontal_fn)(const uint8_t *src, const bv_axis *axis, uint8_t *dst);

/// One row of the vertical pass: dst[i] = clip8(sum_t rows[t][i] * coeffs[t]) for i < length.
typedef void (*bv_vertical_fn)(const uint8_t *const *rows, const int32_t *coeffs, int32_t taps,
                               int32_t length, uint8_t *dst);

/// Table lookup of `count` interleaved pixels into three channel planes: r[i] = lut[rgb[3i]], g[i] =
/// lut[256 + rgb[3i + 1]], b[i] = lut[512 + rgb[3i + 2]]. Reads exactly 3 * count bytes.
typedef void (*bv_planar_fn)(const uint8_t *rgb, int32_t count, const float *lut, float *r, float *g, float *b);

/// Table lookup keeping the interleave: out[j] = lut[256 * (j % 3) + rgb[j]] for j < 3 * count.
typedef void (*bv_interleaved_fn)(const uint8_t *rgb, int32_t count, const float *lut, float *out);

/// A set of row kernels; all sets give identical results.
typedef struct bv_kernels {
    bv_horizontal_fn horizontal;
    bv_vertical_fn vertical;
    bv_planar_fn planar;
    bv_interleaved_fn interleaved;
} bv_kernels;

void bv_planar_scalar(const uint8_t *rgb, int32_t count, const float *lut, float *r, float *g, float *b);
void bv_interleaved_scalar(const uint8_t *rgb, int32_t count, const float *lut, float *out);
void bv_planar_avx2(const uint8_t *rgb, int32_t count, const float *lut, float *r, float *g, float *b);
void bv_interleaved_avx2(const uint8_t *rgb, int32_t count, const float *lut, float *out);

extern const bv_kernels bv_kernels_scalar;
extern const bv_kernels bv_kernels_avx2;
extern const bv_kernels bv_kernels_avx512;

/// The kernels for `variant` (BV_KERNEL_*), or NULL when this CPU cannot run them.
const bv_kernels *bv_kernels_for(int32_t variant);

/// Pillow's clip8: the top bits of a fixed-point sum, clamped to 0...255.
///
/// Bicubic taps can be negative, so sums fall below 0 and above 255 << BV_PRECISION_BITS; every kernel
/// clamps (the SIMD ones by saturating packs), as Pillow's lookup table does for -640...639.
static inline uint8_t bv_clip8(int32_t sum) {
    int32_t v = sum >> BV_PRECISION_BITS;
    return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
}

/// Receives each finished row (window_width x 3 bytes) of a resampled window.
typedef void (*bv_row_sink)(void *context, int32_t row, const uint8_t *rgb);

/// The window [x0, x0 + width) x [y0, y0 + height) of `src` resized to out_width x out_height with `filter`.
///
/// Only the rows and columns the window needs are computed; rows stream through a small ring so the
/// horizontal pass's output stays in cache. Returns BV_OK, or BV_ERROR_MEMORY when scratch memory cannot be had.
int32_t bv_resample_window(const uint8_t *src, int32_t src_width, int32_t src_height,
                           int32_t out_width, int32_t out_height,
                           int32_t x0, int32_t y0, int32_t width, int32_t height,
                           const bv_filter *filter, const bv_kernels *kernels, bv_row_sink sink, void *context);

/// Scratch memory for one call: small requests reuse a per-thread block, big ones are allocated.
typedef struct bv_scratch {
    uint8_t *data;
    int owned;  ///< data was allocated for this call and must be freed by bv_scratch_release
} bv_scratch;

/// `bytes` of 64-byte aligned scratch; data is NULL when memory cannot be had.
bv_scratch bv_scratch_acquire(size_t bytes);
void bv_scratch_release(bv_scratch scratch);
