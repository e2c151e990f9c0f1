// Run-time choice of row kernels, so one baseline x86-64 binary uses AVX2 or AVX-512 where present.
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

int32_t bv_kernel_best_variant(void) {
    if (cpu_has(BV_KERNEL_AVX512)) {
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
