// AVX-512 row kernels: the same int32 sums as the scalar kernels, sixteen lanes at a time.
//
// Horizontal: sixteen output pixels per step, one per lane, gathering each tap's source pixels.
// Vertical: sixty-four bytes of a row per step in four accumulators, then sixteen, then a scalar tail.
#include <immintrin.h>

#include "resample_internal.h"

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2")))

/// Repeats a 16-byte pattern in all four 128-bit lanes.
AVX512 static inline __m512i lanes4(__m128i pattern) { return _mm512_broadcast_i32x4(pattern); }

/// Gathers one source pixel per output pixel and tap, so sixteen outputs accumulate side by side and
/// need no horizontal reduction.
AVX512 static void horizontal_avx512(const uint8_t *src, const bv_axis *axis, uint8_t *dst) {
    // Lane i of a gather holds source pixel R G B (and the next byte); these pick one channel per lane.
    const __m512i red = lanes4(_mm_setr_epi8(0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1));
    const __m512i green = lanes4(_mm_setr_epi8(1, -1, -1, -1, 5, -1, -1, -1, 9, -1, -1, -1, 13, -1, -1, -1));
    const __m512i blue = lanes4(_mm_setr_epi8(2, -1, -1, -1, 6, -1, -1, -1, 10, -1, -1, -1, 14, -1, -1, -1));
    // After packing, each 128-bit lane is r0..r3 g0..g3 b0..b3 b0..b3; this interleaves four pixels,
    // then the dword permutation closes the 4-byte gaps so 48 bytes are contiguous.
    const __m512i interleave = lanes4(_mm_setr_epi8(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11, -1, -1, -1, -1));
    const __m512i compact = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 3, 7, 11, 15);
    const __m512i three = _mm512_set1_epi32(3);
    for (int32_t block = 0; block < bv_axis_blocks(axis->count); block++) {
        const int32_t *k = axis->blocked + (size_t)block * axis->stride * BV_BLOCK;
        __m512i index = _mm512_loadu_si512(axis->block_first + (size_t)block * BV_BLOCK);
        __m512i offset = _mm512_add_epi32(_mm512_add_epi32(index, index), index);
        __m512i r = _mm512_set1_epi32(1 << (BV_PRECISION_BITS - 1)), g = r, b = r;
        for (int32_t t = 0; t < axis->block_taps[block]; t++) {
            __m512i pixels = _mm512_i32gather_epi32(offset, (const void *)src, 1);
            __m512i kv = _mm512_loadu_si512(k + (size_t)t * BV_BLOCK);
            r = _mm512_add_epi32(r, _mm512_mullo_epi32(_mm512_shuffle_epi8(pixels, red), kv));
            g = _mm512_add_epi32(g, _mm512_mullo_epi32(_mm512_shuffle_epi8(pixels, green), kv));
            b = _mm512_add_epi32(b, _mm512_mullo_epi32(_mm512_shuffle_epi8(pixels, blue), kv));
            offset = _mm512_add_epi32(offset, three);
        }
        r = _mm512_srai_epi32(r, BV_PRECISION_BITS);
        g = _mm512_srai_epi32(g, BV_PRECISION_BITS);
        b = _mm512_srai_epi32(b, BV_PRECISION_BITS);
        // packs then packus clamp to 0...255, as Pillow's clip8 does
        __m512i bytes = _mm512_packus_epi16(_mm512_packs_epi32(r, g), _mm512_packs_epi32(b, b));
        __m512i rgb = _mm512_permutexvar_epi32(compact, _mm512_shuffle_epi8(bytes, interleave));
        _mm512_storeu_si512(dst + (size_t)block * BV_BLOCK * 3, rgb);  // 48 bytes, then 16 scratch
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

// The float conversion is gather-bound; the AVX2 lookups serve AVX-512 machines as well.
const bv_kernels bv_kernels_avx512 = {horizontal_avx512, vertical_avx512, bv_planar_avx2, bv_interleaved_avx2};
