// AVX2 row kernels: the same int32 sums as the scalar kernels, eight lanes at a time.
//
// Horizontal: eight output pixels per step, one per lane; each tap gathers the eight source pixels
// and multiplies each channel by the lane's coefficient.
// Vertical: thirty-two bytes of a row per step, widened to int32 and multiplied by the row's tap.
#include <immintrin.h>

#include "resample_internal.h"

#define AVX2 __attribute__((target("avx2")))

/// Eight output pixels: (8, 3) u8 written as 24 bytes (plus 4 scratch bytes) at `dst`.
///
/// `first` holds the eight first source indices; `k` the tap-major coefficient rows (BV_BLOCK apart).
AVX2 static inline void horizontal8_avx2(const uint8_t *src, const int32_t *first, const int32_t *k, int32_t taps,
                                         uint8_t *dst) {
    // Lane i of a gather holds source pixel R G B (and the next byte); these pick one channel per lane.
    const __m256i red = _mm256_setr_epi8(0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1,
                                         0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1);
    const __m256i green = _mm256_setr_epi8(1, -1, -1, -1, 5, -1, -1, -1, 9, -1, -1, -1, 13, -1, -1, -1,
                                           1, -1, -1, -1, 5, -1, -1, -1, 9, -1, -1, -1, 13, -1, -1, -1);
    const __m256i blue = _mm256_setr_epi8(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1,
                                          2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1);
    // After packing, each 128-bit lane is r0..r3 g0..g3 b0..b3 b0..b3; this interleaves four pixels.
    const __m256i interleave = _mm256_setr_epi8(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, -1, -1, -1, -1,
                                                0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, -1, -1, -1, -1);
    const __m256i three = _mm256_set1_epi32(3);
    __m256i index = _mm256_loadu_si256((const __m256i *)first);
    __m256i offset = _mm256_add_epi32(_mm256_add_epi32(index, index), index);
    __m256i r = _mm256_set1_epi32(1 << (BV_PRECISION_BITS - 1)), g = r, b = r;
    for (int32_t t = 0; t < taps; t++) {
        __m256i pixels = _mm256_i32gather_epi32((const int *)src, offset, 1);
        __m256i kv = _mm256_loadu_si256((const __m256i *)(k + (size_t)t * BV_BLOCK));
        r = _mm256_add_epi32(r, _mm256_mullo_epi32(_mm256_shuffle_epi8(pixels, red), kv));
        g = _mm256_add_epi32(g, _mm256_mullo_epi32(_mm256_shuffle_epi8(pixels, green), kv));
        b = _mm256_add_epi32(b, _mm256_mullo_epi32(_mm256_shuffle_epi8(pixels, blue), kv));
        offset = _mm256_add_epi32(offset, three);
    }
    r = _mm256_srai_epi32(r, BV_PRECISION_BITS);
    g = _mm256_srai_epi32(g, BV_PRECISION_BITS);
    b = _mm256_srai_epi32(b, BV_PRECISION_BITS);
    // packs then packus clamp to 0...255, as Pillow's clip8 does
    __m256i bytes = _mm256_packus_epi16(_mm256_packs_epi32(r, g), _mm256_packs_epi32(b, b));
    __m256i rgb = _mm256_shuffle_epi8(bytes, interleave);
    _mm_storeu_si128((__m128i *)dst, _mm256_castsi256_si128(rgb));
    _mm_storeu_si128((__m128i *)(dst + 12), _mm256_extracti128_si256(rgb, 1));
}

/// Gathers one source pixel per output pixel and tap, so eight outputs accumulate side by side and
/// need no horizontal reduction.
AVX2 static void horizontal_avx2(const uint8_t *src, const bv_axis *axis, uint8_t *dst) {
    for (int32_t block = 0; block < bv_axis_blocks(axis->count); block++) {
        const int32_t *k = axis->blocked + (size_t)block * axis->stride * BV_BLOCK;
        const int32_t *first = axis->block_first + (size_t)block * BV_BLOCK;
        uint8_t *out = dst + (size_t)block * BV_BLOCK * 3;
        int32_t taps = axis->block_taps[block];
        horizontal8_avx2(src, first, k, taps, out);
        horizontal8_avx2(src, first + 8, k + 8, taps, out + 24);
    }
}

/// Sixteen fixed-point sums -> sixteen clipped bytes.
AVX2 static inline __m128i clip16_avx2(__m256i sum_lo, __m256i sum_hi) {
    __m256i words = _mm256_packs_epi32(_mm256_srai_epi32(sum_lo, BV_PRECISION_BITS),
                                       _mm256_srai_epi32(sum_hi, BV_PRECISION_BITS));
    words = _mm256_permute4x64_epi64(words, 0xD8);  // undo packs' per-lane interleave
    return _mm_packus_epi16(_mm256_castsi256_si128(words), _mm256_extracti128_si256(words, 1));
}

AVX2 static inline __m256i widen8_avx2(const uint8_t *p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
}

AVX2 static void vertical_avx2(const uint8_t *const *rows, const int32_t *coeffs, int32_t taps, int32_t length,
                               uint8_t *dst) {
    const __m256i half = _mm256_set1_epi32(1 << (BV_PRECISION_BITS - 1));
    int32_t i = 0;
    for (; i + 32 <= length; i += 32) {
        __m256i a0 = half, a1 = half, a2 = half, a3 = half;
        for (int32_t t = 0; t < taps; t++) {
            const uint8_t *row = rows[t] + i;
            __m256i k = _mm256_set1_epi32(coeffs[t]);
            a0 = _mm256_add_epi32(a0, _mm256_mullo_epi32(widen8_avx2(row), k));
            a1 = _mm256_add_epi32(a1, _mm256_mullo_epi32(widen8_avx2(row + 8), k));
            a2 = _mm256_add_epi32(a2, _mm256_mullo_epi32(widen8_avx2(row + 16), k));
            a3 = _mm256_add_epi32(a3, _mm256_mullo_epi32(widen8_avx2(row + 24), k));
        }
        _mm_storeu_si128((__m128i *)(dst + i), clip16_avx2(a0, a1));
        _mm_storeu_si128((__m128i *)(dst + i + 16), clip16_avx2(a2, a3));
    }
    for (; i + 16 <= length; i += 16) {
        __m256i lo = half, hi = half;
        for (int32_t t = 0; t < taps; t++) {
            __m256i k = _mm256_set1_epi32(coeffs[t]);
            lo = _mm256_add_epi32(lo, _mm256_mullo_epi32(widen8_avx2(rows[t] + i), k));
            hi = _mm256_add_epi32(hi, _mm256_mullo_epi32(widen8_avx2(rows[t] + i + 8), k));
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

// MARK: - Table lookup to floats

/// Eight bytes -> eight table entries, `bias` selecting each lane's channel table.
AVX2 static inline __m256 lookup8_avx2(__m128i bytes, __m256i bias, const float *lut) {
    return _mm256_i32gather_ps(lut, _mm256_add_epi32(_mm256_cvtepu8_epi32(bytes), bias), 4);
}

void AVX2 bv_planar_avx2(const uint8_t *rgb, int32_t count, const float *lut, float *r, float *g, float *b) {
    // Bytes 0..15 come from `head`, 16..23 from `tail` (loaded at +8); -1 selects nothing.
    const __m128i red_head = _mm_setr_epi8(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m128i red_tail = _mm_setr_epi8(-1, -1, -1, -1, -1, -1, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m128i green_head = _mm_setr_epi8(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m128i green_tail = _mm_setr_epi8(-1, -1, -1, -1, -1, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m128i blue_head = _mm_setr_epi8(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m128i blue_tail = _mm_setr_epi8(-1, -1, -1, -1, -1, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i red_bias = _mm256_setzero_si256();
    const __m256i green_bias = _mm256_set1_epi32(256);
    const __m256i blue_bias = _mm256_set1_epi32(512);
    int32_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m128i head = _mm_loadu_si128((const __m128i *)(rgb + i * 3));
        __m128i tail = _mm_loadu_si128((const __m128i *)(rgb + i * 3 + 8));
        __m128i reds = _mm_or_si128(_mm_shuffle_epi8(head, red_head), _mm_shuffle_epi8(tail, red_tail));
        __m128i greens = _mm_or_si128(_mm_shuffle_epi8(head, green_head), _mm_shuffle_epi8(tail, green_tail));
        __m128i blues = _mm_or_si128(_mm_shuffle_epi8(head, blue_head), _mm_shuffle_epi8(tail, blue_tail));
        _mm256_storeu_ps(r + i, lookup8_avx2(reds, red_bias, lut));
        _mm256_storeu_ps(g + i, lookup8_avx2(greens, green_bias, lut));
        _mm256_storeu_ps(b + i, lookup8_avx2(blues, blue_bias, lut));
    }
    bv_planar_scalar(rgb + i * 3, count - i, lut, r + i, g + i, b + i);
}

void AVX2 bv_interleaved_avx2(const uint8_t *rgb, int32_t count, const float *lut, float *out) {
    // Channel of each lane in three consecutive groups of eight bytes: 0 1 2 0 1 2 0 1 | 2 0 1 ... | ...
    const __m256i bias0 = _mm256_setr_epi32(0, 256, 512, 0, 256, 512, 0, 256);
    const __m256i bias1 = _mm256_setr_epi32(512, 0, 256, 512, 0, 256, 512, 0);
    const __m256i bias2 = _mm256_setr_epi32(256, 512, 0, 256, 512, 0, 256, 512);
    int32_t i = 0;
    for (; i + 8 <= count; i += 8) {
        const uint8_t *p = rgb + i * 3;
        float *o = out + i * 3;
        _mm256_storeu_ps(o, lookup8_avx2(_mm_loadl_epi64((const __m128i *)p), bias0, lut));
        _mm256_storeu_ps(o + 8, lookup8_avx2(_mm_loadl_epi64((const __m128i *)(p + 8)), bias1, lut));
        _mm256_storeu_ps(o + 16, lookup8_avx2(_mm_loadl_epi64((const __m128i *)(p + 16)), bias2, lut));
    }
    bv_interleaved_scalar(rgb + i * 3, count - i, lut, out + i * 3);
}

const bv_kernels bv_kernels_avx2 = {horizontal_avx2, vertical_avx2, bv_planar_avx2, bv_interleaved_avx2};
