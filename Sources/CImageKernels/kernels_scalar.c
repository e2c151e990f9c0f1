// Portable row kernels: Pillow's loops for 3-channel 8-bit images, one sum per channel.
#include "resample_internal.h"

static void horizontal_scalar(const uint8_t *src, const bv_axis *axis, uint8_t *dst) {
    for (int32_t i = 0; i < axis->count; i++) {
        const uint8_t *p = src + (size_t)axis->first[i] * 3;
        const int32_t *k = axis->coeffs + (size_t)i * axis->stride;
        int32_t r = 1 << (BV_PRECISION_BITS - 1), g = r, b = r;
        for (int32_t t = 0; t < axis->taps[i]; t++) {
            r += p[t * 3 + 0] * k[t];
            g += p[t * 3 + 1] * k[t];
            b += p[t * 3 + 2] * k[t];
        }
        dst[i * 3 + 0] = bv_clip8(r);
        dst[i * 3 + 1] = bv_clip8(g);
        dst[i * 3 + 2] = bv_clip8(b);
    }
}

static void vertical_scalar(const uint8_t *const *rows, const int32_t *coeffs, int32_t taps, int32_t length,
                            uint8_t *dst) {
    for (int32_t i = 0; i < length; i++) {
        int32_t sum = 1 << (BV_PRECISION_BITS - 1);
        for (int32_t t = 0; t < taps; t++) {
            sum += rows[t][i] * coeffs[t];
        }
        dst[i] = bv_clip8(sum);
    }
}

void bv_planar_scalar(const uint8_t *rgb, int32_t count, const float *lut, float *r, float *g, float *b) {
    for (int32_t i = 0; i < count; i++) {
        r[i] = lut[rgb[i * 3 + 0]];
        g[i] = lut[256 + rgb[i * 3 + 1]];
        b[i] = lut[512 + rgb[i * 3 + 2]];
    }
}

void bv_interleaved_scalar(const uint8_t *rgb, int32_t count, const float *lut, float *out) {
    for (int32_t i = 0; i < count; i++) {
        out[i * 3 + 0] = lut[rgb[i * 3 + 0]];
        out[i * 3 + 1] = lut[256 + rgb[i * 3 + 1]];
        out[i * 3 + 2] = lut[512 + rgb[i * 3 + 2]];
    }
}

const bv_kernels bv_kernels_scalar = {horizontal_scalar, vertical_scalar, bv_planar_scalar, bv_interleaved_scalar};
