// AVX-512 row kernels: the same int32 sums as the scalar kernels, sixteen lanes at a time.
//
// Horizontal: one output pixel per step; four source pixels fill one zmm as R G B 0 lanes.
// Vertical: sixty-four bytes of a row per step in four accumulators, then sixteen, then a scalar tail.
#include <immintrin.h>
#include <string.h>

#include "resample_internal.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2")))

AVX512 static void horizontal_avx512(const uint8_t *src, const bv_axis *axis, uint8_t *dst) {
    const __m128i spread = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
    const __m512i tap_of_lane = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    const __m128i half = _mm_set1_epi32(1 << (BV_PRECISION_BITS - 1));
    for (int32_t i = 0; i < axis->count; i++) {
        const uint8_t *p = src + (size_t)axis->first[i] * 3;
        const int32_t *k = axis->coeffs + (size_t)i * axis->stride;
        __m512i acc = _mm512_setzero_si512();
        for (int32_t t = 0; t < axis->taps[i]; t += 4) {
            __m128i pixels = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + t * 3)), spread);
            __m512i k4 = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(k + t)));
            __m512i products = _mm512_mullo_epi32(_mm512_cvtepu8_epi32(pixels), _mm512_permutexvar_epi32(tap_of_lane, k4));
            acc = _mm512_add_epi32(acc, products);
        }
        __m256i acc8 = _mm256_add_epi32(_mm512_castsi512_si256(acc), _mm512_extracti64x4_epi64(acc, 1));
        __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc8), _mm256_extracti128_si256(acc8, 1));
        sum = _mm_srai_epi32(_mm_add_epi32(sum, half), BV_PRECISION_BITS);
        sum = _mm_packus_epi16(_mm_packs_epi32(sum, sum), sum);
        int32_t rgbx = _mm_cvtsi128_si32(sum);
        memcpy(dst + (size_t)i * 3, &rgbx, 4);  // the 4th byte is overwritten by the next pixel
    }
}

/// Sixteen fixed-point sums -> sixteen clipped bytes.
AVX512 static inline __m128i clip16_avx512(__m512i sum) {
    __m512i v = _mm512_max_epi32(_mm512_srai_epi32(sum, BV_PRECISION_BITS), _mm512_setzero_si512());
    return _mm512_cvtusepi32_epi8(v);
}

AVX512 static inline __m512i widen_avx512(const uint8_t *p) {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p));
}

AVX512 static void vertical_avx512(const uint8_t *const *rows, const int32_t *coeffs, int32_t taps, int32_t length,
                                   uint8_t *dst) {
    const __m512i half = _mm512_set1_epi32(1 << (BV_PRECISION_BITS - 1));
    int32_t i = 0;
    for (; i + 64 <= length; i += 64) {
        __m512i a0 = half, a1 = half, a2 = half, a3 = half;
        for (int32_t t = 0; t < taps; t++) {
            const uint8_t *row = rows[t] + i;
            __m512i k = _mm512_set1_epi32(coeffs[t]);
            a0 = _mm512_add_epi32(a0, _mm512_mullo_epi32(widen_avx512(row), k));
            a1 = _mm512_add_epi32(a1, _mm512_mullo_epi32(widen_avx512(row + 16), k));
            a2 = _mm512_add_epi32(a2, _mm512_mullo_epi32(widen_avx512(row + 32), k));
            a3 = _mm512_add_epi32(a3, _mm512_mullo_epi32(widen_avx512(row + 48), k));
        }
        _mm_storeu_si128((__m128i *)(dst + i), clip16_avx512(a0));
        _mm_storeu_si128((__m128i *)(dst + i + 16), clip16_avx512(a1));
        _mm_storeu_si128((__m128i *)(dst + i + 32), clip16_avx512(a2));
        _mm_storeu_si128((__m128i *)(dst + i + 48), clip16_avx512(a3));
    }
    for (; i + 16 <= length; i += 16) {
        __m512i a = half;
        for (int32_t t = 0; t < taps; t++) {
            a = _mm512_add_epi32(a, _mm512_mullo_epi32(widen_avx512(rows[t] + i), _mm512_set1_epi32(coeffs[t])));
        }
        _mm_storeu_si128((__m128i *)(dst + i), clip16_avx512(a));
    }
    for (; i < length; i++) {
        int32_t sum = 1 << (BV_PRECISION_BITS - 1);
        for (int32_t t = 0; t < taps; t++) {
            sum += rows[t][i] * coeffs[t];
        }
        dst[i] = bv_clip8(sum);
    }
}

const bv_kernels bv_kernels_avx512 = {horizontal_avx512, vertical_avx512};
