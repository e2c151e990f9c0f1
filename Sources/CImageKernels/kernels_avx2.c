// AVX2 row kernels: the same int32 sums as the scalar kernels, eight lanes at a time.
//
// Horizontal: one output pixel per step; four source pixels (12 bytes) are spread to R G B 0 lanes
// and multiplied by their tap, then the lanes of each channel are summed.
// Vertical: sixteen bytes of a row per step, each widened to int32 and multiplied by the row's tap.
#include <immintrin.h>
#include <string.h>

#include "resample_internal.h"

#define AVX2 __attribute__((target("avx2")))

AVX2 static void horizontal_avx2(const uint8_t *src, const bv_axis *axis, uint8_t *dst) {
    const __m128i spread = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
    const __m256i taps01 = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
    const __m256i taps23 = _mm256_setr_epi32(2, 2, 2, 2, 3, 3, 3, 3);
    const __m128i half = _mm_set1_epi32(1 << (BV_PRECISION_BITS - 1));
    for (int32_t i = 0; i < axis->count; i++) {
        const uint8_t *p = src + (size_t)axis->first[i] * 3;
        const int32_t *k = axis->coeffs + (size_t)i * axis->stride;
        __m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
        for (int32_t t = 0; t < axis->taps[i]; t += 4) {
            __m128i pixels = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + t * 3)), spread);
            __m256i k4 = _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(k + t)));
            __m256i lo = _mm256_cvtepu8_epi32(pixels);
            __m256i hi = _mm256_cvtepu8_epi32(_mm_srli_si128(pixels, 8));
            acc0 = _mm256_add_epi32(acc0, _mm256_mullo_epi32(lo, _mm256_permutevar8x32_epi32(k4, taps01)));
            acc1 = _mm256_add_epi32(acc1, _mm256_mullo_epi32(hi, _mm256_permutevar8x32_epi32(k4, taps23)));
        }
        __m256i acc = _mm256_add_epi32(acc0, acc1);
        __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
        sum = _mm_srai_epi32(_mm_add_epi32(sum, half), BV_PRECISION_BITS);
        sum = _mm_packus_epi16(_mm_packs_epi32(sum, sum), sum);
        int32_t rgbx = _mm_cvtsi128_si32(sum);
        memcpy(dst + (size_t)i * 3, &rgbx, 4);  // the 4th byte is overwritten by the next pixel
    }
}

/// Sixteen fixed-point sums -> sixteen clipped bytes.
AVX2 static inline __m128i clip16_avx2(__m256i sum_lo, __m256i sum_hi) {
    __m256i words = _mm256_packs_epi32(_mm256_srai_epi32(sum_lo, BV_PRECISION_BITS),
                                       _mm256_srai_epi32(sum_hi, BV_PRECISION_BITS));
    words = _mm256_permute4x64_epi64(words, 0xD8);  // undo packs' per-lane interleave
    return _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}

AVX2 static void vertical_avx2(const uint8_t *const *rows, const int32_t *coeffs, int32_t taps, int32_t length,
                               uint8_t *dst) {
    const __m256i half = _mm256_set1_epi32(1 << (BV_PRECISION_BITS - 1));
    int32_t i = 0;
    for (; i + 16 <= length; i += 16) {
        __m256i lo = half, hi = half;
        for (int32_t t = 0; t < taps; t++) {
            __m128i bytes = _mm_loadu_si128((const __m128i *)(rows[t] + i));
            __m256i k = _mm256_set1_epi32(coeffs[t]);
            lo = _mm256_add_epi32(lo, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(bytes), k));
            hi = _mm256_add_epi32(hi, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)), k));
        }
        _mm_storeu_si128((__m128i *)(dst + i), clip16_avx2(lo, hi));
    }
    for (; i < length; i++) {
        int32_t sum = 1 << (BV_PRECISION_BITS - 1);
        for (int32_t t = 0; t < taps; t++) {
            sum += rows[t][i] * coeffs[t];
        }
        dst[i] = bv_clip8(sum);
    }
}

const bv_kernels bv_kernels_avx2 = {horizontal_avx2, vertical_avx2};
