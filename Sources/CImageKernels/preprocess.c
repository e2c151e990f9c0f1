// Resize + center crop + to-float + normalise, fused: the resampled window rows go straight through
// a per-channel lookup table into the caller's float tensor.
//
// The table holds torchvision's float32 result for each byte value, so the conversion is exact by
// construction; padding pixels (torchvision pads with 0 when the crop exceeds the image) take the
// table's value for 0.
#include "CImageKernels.h"
#include "resample_internal.h"

typedef struct tensor_sink {
    const bv_crop_geometry *g;
    const bv_kernels *kernels;
    const float *lut;
    float *dst;
    int32_t layout;
} tensor_sink;

/// Writes crop row `y`, columns [x, x + count) from interleaved bytes, in `layout`:
/// CHW is (3, H, W), HWC is (H, W, 3).
static void write_span(const tensor_sink *s, int32_t y, int32_t x, int32_t count, const uint8_t *rgb) {
    size_t pixel = (size_t)y * s->g->crop_width + x;
    if (s->layout == BV_LAYOUT_HWC) {
        s->kernels->interleaved(rgb, count, s->lut, s->dst + pixel * 3);
    } else {
        size_t plane = (size_t)s->g->crop_width * s->g->crop_height;
        float *r = s->dst + pixel;
        s->kernels->planar(rgb, count, s->lut, r, r + plane, r + 2 * plane);
    }
}

static void window_row(void *context, int32_t row, const uint8_t *rgb) {
    const tensor_sink *s = context;
    write_span(s, s->g->crop_y + row, s->g->crop_x, s->g->window_width, rgb);
}

/// Fills the crop pixels the window does not cover with the normalised value of 0.
static void fill_padding(const tensor_sink *s) {
    const bv_crop_geometry *g = s->g;
    static const uint8_t zeros[3 * 64] = {0};
    for (int32_t y = 0; y < g->crop_height; y++) {
        int32_t inside = y >= g->crop_y && y < g->crop_y + g->window_height;
        for (int32_t x = 0; x < g->crop_width;) {
            if (inside && x == g->crop_x) {
                x += g->window_width;
                continue;
            }
            int32_t end = inside && x < g->crop_x ? g->crop_x : g->crop_width;
            int32_t count = end - x < 64 ? end - x : 64;
            write_span(s, y, x, count, zeros);
            x += count;
        }
    }
}

static int32_t covers_crop(const bv_crop_geometry *g) {
    return g->crop_x == 0 && g->crop_y == 0 && g->window_width == g->crop_width && g->window_height == g->crop_height;
}

int32_t bv_preprocess_rgb8(const uint8_t *src, int32_t src_width, int32_t src_height,
                           const bv_crop_geometry *geometry, const float *lut,
                           float *dst, int32_t layout, int32_t filter, int32_t variant) {
    const bv_kernels *kernels = bv_kernels_for(variant);
    const bv_filter *taps = bv_filter_for(filter);
    if (kernels == NULL || taps == NULL) {
        return BV_ERROR_ARGUMENT;
    }
    tensor_sink sink = {geometry, kernels, lut, dst, layout};
    if (!covers_crop(geometry)) {
        fill_padding(&sink);
    }
    return bv_resample_window(src, src_width, src_height, geometry->resized_width, geometry->resized_height,
                              geometry->window_x, geometry->window_y, geometry->window_width,
                              geometry->window_height, taps, kernels, window_row, &sink);
}
