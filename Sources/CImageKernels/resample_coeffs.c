// Filter taps, computed exactly as Pillow 9.4's precompute_coeffs + normalize_coeffs_8bpc do for
// BILINEAR (support 1) and BICUBIC (a = -0.5, support 2), restricted to the output positions a caller
// needs.
#include <math.h>

#include "CImageKernels.h"
#include "resample_internal.h"

// Pillow is built for baseline x86-64 without FMA; fusing a*b+c here would change rounding.
#pragma STDC FP_CONTRACT OFF

static double bilinear_filter(double x) {
    if (x < 0.0) {
        x = -x;
    }
    if (x < 1.0) {
        return 1.0 - x;
    }
    return 0.0;
}

/// Keys' cubic convolution with a = -0.5, written as Pillow writes it so each product rounds alike.
static double bicubic_filter(double x) {
    const double a = -0.5;
    if (x < 0.0) {
        x = -x;
    }
    if (x < 1.0) {
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
        return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
}

static const bv_filter bilinear = {bilinear_filter, 1.0};
static const bv_filter bicubic = {bicubic_filter, 2.0};

const bv_filter *bv_filter_for(int32_t filter) {
    switch (filter) {
    case BV_FILTER_BILINEAR:
        return &bilinear;
    case BV_FILTER_BICUBIC:
        return &bicubic;
    default:
        return NULL;
    }
}

/// Pillow's scale: the source box is float (0, in_size), the division is double.
static double axis_scale(int32_t in_size, int32_t out_size) {
    float in0 = 0.0f, in1 = (float)in_size;
    return (double)(in1 - in0) / out_size;
}

int32_t bv_axis_stride(int32_t in_size, int32_t out_size, const bv_filter *filter) {
    double filterscale = axis_scale(in_size, out_size);
    if (filterscale < 1.0) {
        filterscale = 1.0;
    }
    double support = filter->support * filterscale;
    int32_t ksize = (int32_t)ceil(support) * 2 + 1;
    return (ksize + BV_TAP_GROUP - 1) / BV_TAP_GROUP * BV_TAP_GROUP;
}

/// normalize_coeffs_8bpc: round half away from zero onto 22 fractional bits.
static int32_t fixed_point(double k) {
    if (k < 0) {
        return (int32_t)(-0.5 + k * (1 << BV_PRECISION_BITS));
    }
    return (int32_t)(0.5 + k * (1 << BV_PRECISION_BITS));
}

void bv_axis_compute(bv_axis *axis, int32_t in_size, int32_t out_size, int32_t first_out, const bv_filter *filter,
                     double *w) {
    const float in0 = 0.0f;
    double scale = axis_scale(in_size, out_size);
    double filterscale = scale < 1.0 ? 1.0 : scale;
    double support = filter->support * filterscale;
    double ss = 1.0 / filterscale;
    axis->stride = bv_axis_stride(in_size, out_size, filter);
    for (int32_t i = 0; i < axis->count; i++) {
        int32_t xx = first_out + i;
        double center = in0 + (xx + 0.5) * scale;
        int32_t xmin = (int32_t)(center - support + 0.5);
        if (xmin < 0) {
            xmin = 0;
        }
        int32_t xmax = (int32_t)(center + support + 0.5);
        if (xmax > in_size) {
            xmax = in_size;
        }
        xmax -= xmin;
        double ww = 0.0;
        for (int32_t x = 0; x < xmax; x++) {
            w[x] = filter->weight((x + xmin - center + 0.5) * ss);
            ww += w[x];
        }
        int32_t *k = axis->coeffs + (size_t)i * axis->stride;
        for (int32_t x = 0; x < axis->stride; x++) {
            k[x] = x < xmax ? fixed_point(ww != 0.0 ? w[x] / ww : w[x]) : 0;
        }
        axis->first[i] = xmin;
        axis->taps[i] = xmax;
    }
}

void bv_axis_block(bv_axis *axis) {
    for (int32_t b = 0; b < bv_axis_blocks(axis->count); b++) {
        int32_t *block = axis->blocked + (size_t)b * axis->stride * BV_BLOCK;
        int32_t most = 0;
        for (int32_t lane = 0; lane < BV_BLOCK; lane++) {
            int32_t i = b * BV_BLOCK + lane;
            int32_t real = i < axis->count;
            int32_t source = real ? i : axis->count - 1;
            axis->block_first[i] = axis->first[source];
            for (int32_t t = 0; t < axis->stride; t++) {
                block[t * BV_BLOCK + lane] = real ? axis->coeffs[(size_t)i * axis->stride + t] : 0;
            }
            if (real && axis->taps[i] > most) {
                most = axis->taps[i];
            }
        }
        axis->block_taps[b] = most;
    }
}
