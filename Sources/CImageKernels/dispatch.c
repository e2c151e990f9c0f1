// Run-time choice of row kernels, so one baseline x86-64 binary uses AVX2 or AVX-512 where present.
//
// Before AVX-512 is chosen automatically, it must reproduce the scalar kernels on a few resizes of a
// fixed pattern: the AVX-512 code could not be run where it was written (the build VM hides AVX-512),
// so a machine that runs it first checks it, and falls back to AVX2 on any difference.
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "CImageKernels.h"
#include "resample_internal.h"

static int32_t cpu_has(int32_t variant) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    switch (variant) {
    case BV_KERNEL_AVX2:
        return __builtin_cpu_supports("avx2");
    case BV_KERNEL_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2");
    default:
        return 0;
    }
#else
    (void)variant;
    return 0;
#endif
}

// MARK: - Self-check

typedef struct copy_sink {
    uint8_t *dst;
    size_t row_bytes;
} copy_sink;

static void copy_row(void *context, int32_t row, const uint8_t *rgb) {
    copy_sink *sink = context;
    memcpy(sink->dst + (size_t)row * sink->row_bytes, rgb, sink->row_bytes);
}

/// Whether `kernels` and the scalar kernels resize `src` to out_w x out_h with `filter` identically.
static int same_resize(const bv_kernels *kernels, const bv_filter *filter, const uint8_t *src, int32_t w, int32_t h,
                       int32_t out_w, int32_t out_h, uint8_t *a, uint8_t *b) {
    copy_sink sink_a = {a, (size_t)out_w * 3}, sink_b = {b, (size_t)out_w * 3};
    if (bv_resample_window(src, w, h, out_w, out_h, 0, 0, out_w, out_h, filter, &bv_kernels_scalar, copy_row, &sink_a)
            != BV_OK
        || bv_resample_window(src, w, h, out_w, out_h, 0, 0, out_w, out_h, filter, kernels, copy_row, &sink_b)
            != BV_OK) {
        return 0;
    }
    return memcmp(a, b, (size_t)out_w * out_h * 3) == 0;
}

static int avx512_verified;
static pthread_once_t avx512_once = PTHREAD_ONCE_INIT;

static void verify_avx512(void) {
    enum { W = 97, H = 61, MAX_OUT = 3 * 200 * 130 };
    static const int32_t sizes[][2] = {{64, 41}, {33, 61}, {97, 20}, {200, 130}, {13, 7}};
    uint8_t *src = malloc(W * H * 3), *a = malloc(MAX_OUT), *b = malloc(MAX_OUT);
    int ok = src != NULL && a != NULL && b != NULL;
    for (int32_t i = 0; ok && i < W * H * 3; i++) {
        src[i] = (uint8_t)((uint32_t)i * 2654435761u >> 11);
    }
    // Bicubic as well: its negative taps exercise the clamping that bilinear never needs.
    static const int32_t filters[] = {BV_FILTER_BILINEAR, BV_FILTER_BICUBIC};
    for (size_t f = 0; ok && f < sizeof filters / sizeof filters[0]; f++) {
        for (size_t i = 0; ok && i < sizeof sizes / sizeof sizes[0]; i++) {
            const bv_filter *filter = bv_filter_for(filters[f]);
            ok = filter != NULL && same_resize(&bv_kernels_avx512, filter, src, W, H, sizes[i][0], sizes[i][1], a, b);
        }
    }
    free(src);
    free(a);
    free(b);
    avx512_verified = ok;
}

// MARK: - Choice

int32_t bv_kernel_best_variant(void) {
    if (cpu_has(BV_KERNEL_AVX512) && pthread_once(&avx512_once, verify_avx512) == 0 && avx512_verified) {
        return BV_KERNEL_AVX512;
    }
    return cpu_has(BV_KERNEL_AVX2) ? BV_KERNEL_AVX2 : BV_KERNEL_SCALAR;
}

int32_t bv_kernel_supported(int32_t variant) {
    return variant == BV_KERNEL_AUTO || variant == BV_KERNEL_SCALAR || cpu_has(variant);
}

const bv_kernels *bv_kernels_for(int32_t variant) {
    if (variant == BV_KERNEL_AUTO) {
        variant = bv_kernel_best_variant();
    }
    switch (variant) {
    case BV_KERNEL_SCALAR:
        return &bv_kernels_scalar;
    case BV_KERNEL_AVX2:
        return cpu_has(variant) ? &bv_kernels_avx2 : NULL;
    case BV_KERNEL_AVX512:
        return cpu_has(variant) ? &bv_kernels_avx512 : NULL;
    default:
        return NULL;
    }
}
