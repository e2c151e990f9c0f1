// The two-pass resize, restricted to a window of the output and streamed row by row.
//
// Pillow resizes the whole image horizontally (rows the vertical pass needs), clips to 8 bits, then
// resizes vertically. Each output byte depends only on its own taps, so computing just the window's
// columns, and just the source rows its output rows read, gives the same bytes for less work:
//
//   source rows ──horizontal(window columns)──► ring of u8 rows ──vertical──► window row ──► sink
//
// Source rows are visited in increasing order (Pillow's bounds are monotonic), so a ring holding the
// largest vertical tap count suffices.
#include <string.h>

#include "CImageKernels.h"
#include "resample_internal.h"

static size_t round_up64(size_t n) { return (n + 63) / 64 * 64; }

/// Carves 64-byte aligned pieces out of one scratch block.
typedef struct carver {
    uint8_t *next;
} carver;

static void *carve(carver *c, size_t bytes) {
    void *piece = c->next;
    c->next += round_up64(bytes);
    return piece;
}

typedef struct window_plan {
    int32_t need_horizontal, need_vertical;
    bv_axis columns, rows;
    size_t ring_stride;       ///< bytes per ring row: window row plus store slack
    int32_t ring_capacity;    ///< rows the ring holds: the most vertical taps of any output row
} window_plan;

static size_t axis_bytes(int32_t count, int32_t stride) {
    size_t padded = (size_t)bv_axis_blocks(count) * BV_BLOCK;
    return round_up64(sizeof(int32_t) * (size_t)count) * 2 + round_up64(sizeof(int32_t) * (size_t)count * stride)
        + round_up64(sizeof(int32_t) * padded) * 2 + round_up64(sizeof(int32_t) * padded * stride);
}

static void carve_axis(carver *c, bv_axis *axis, int32_t count, int32_t stride) {
    size_t padded = (size_t)bv_axis_blocks(count) * BV_BLOCK;
    axis->count = count;
    axis->first = carve(c, sizeof(int32_t) * (size_t)count);
    axis->taps = carve(c, sizeof(int32_t) * (size_t)count);
    axis->coeffs = carve(c, sizeof(int32_t) * (size_t)count * stride);
    axis->block_taps = carve(c, sizeof(int32_t) * padded);
    axis->block_first = carve(c, sizeof(int32_t) * padded);
    axis->blocked = carve(c, sizeof(int32_t) * padded * stride);
}

/// The row a horizontal kernel may over-read: the source row itself, or a zero-padded copy when the
/// over-read would leave the source buffer.
static const uint8_t *readable_row(const uint8_t *src, int32_t src_width, int32_t src_height, int32_t y,
                                   size_t overread, uint8_t *padded) {
    size_t row_bytes = (size_t)src_width * 3;
    const uint8_t *row = src + (size_t)y * row_bytes;
    if ((size_t)(src_height - 1 - y) * row_bytes >= overread) {
        return row;
    }
    memcpy(padded, row, row_bytes);
    memset(padded + row_bytes, 0, overread);
    return padded;
}

int32_t bv_resample_window(const uint8_t *src, int32_t src_width, int32_t src_height,
                           int32_t out_width, int32_t out_height,
                           int32_t x0, int32_t y0, int32_t width, int32_t height,
                           const bv_filter *filter, const bv_kernels *kernels, bv_row_sink sink, void *context) {
    if (width <= 0 || height <= 0) {
        return BV_OK;
    }
    // step 1: size the scratch (Pillow skips a pass whose size does not change)
    window_plan plan = {0};
    plan.need_horizontal = out_width != src_width;
    plan.need_vertical = out_height != src_height;
    int32_t column_stride = plan.need_horizontal ? bv_axis_stride(src_width, out_width, filter) : 0;
    int32_t row_stride = plan.need_vertical ? bv_axis_stride(src_height, out_height, filter) : 0;
    plan.ring_capacity = plan.need_vertical ? row_stride : 1;
    plan.ring_stride = round_up64((size_t)width * 3 + BV_ROW_SLACK);
    size_t overread = bv_row_overread(column_stride);
    int32_t widest = column_stride > row_stride ? column_stride : row_stride;
    size_t bytes = axis_bytes(width, column_stride) + axis_bytes(height, row_stride)
        + round_up64(sizeof(double) * (size_t)(widest + 1))
        + round_up64(sizeof(const uint8_t *) * (size_t)plan.ring_capacity)
        + plan.ring_stride * (size_t)(plan.ring_capacity + 1)
        + round_up64((size_t)src_width * 3 + overread);
    bv_scratch scratch = bv_scratch_acquire(bytes);
    if (scratch.data == NULL) {
        return BV_ERROR_MEMORY;
    }
    carver c = {scratch.data};
    carve_axis(&c, &plan.columns, width, column_stride);
    carve_axis(&c, &plan.rows, height, row_stride);
    double *weights = carve(&c, sizeof(double) * (size_t)(widest + 1));
    const uint8_t **taps = carve(&c, sizeof(const uint8_t *) * (size_t)plan.ring_capacity);
    uint8_t *ring = carve(&c, plan.ring_stride * (size_t)plan.ring_capacity);
    uint8_t *out_row = carve(&c, plan.ring_stride);
    uint8_t *padded = carve(&c, (size_t)src_width * 3 + overread);

    // step 2: the taps of the window's columns and rows
    if (plan.need_horizontal) {
        bv_axis_compute(&plan.columns, src_width, out_width, x0, filter, weights);
        bv_axis_block(&plan.columns);
    }
    if (plan.need_vertical) {
        bv_axis_compute(&plan.rows, src_height, out_height, y0, filter, weights);
    }

    // step 3: stream output rows, producing horizontally resampled source rows on demand
    int32_t next_source_row = 0;
    for (int32_t j = 0; j < height; j++) {
        int32_t first = plan.need_vertical ? plan.rows.first[j] : y0 + j;
        int32_t count = plan.need_vertical ? plan.rows.taps[j] : 1;
        if (next_source_row < first) {
            next_source_row = first;
        }
        for (int32_t t = 0; t < count; t++) {
            int32_t y = first + t;
            if (plan.need_horizontal) {
                uint8_t *slot = ring + (size_t)(y % plan.ring_capacity) * plan.ring_stride;
                if (y >= next_source_row) {
                    kernels->horizontal(readable_row(src, src_width, src_height, y, overread, padded), &plan.columns, slot);
                    next_source_row = y + 1;
                }
                taps[t] = slot;
            } else {
                taps[t] = src + ((size_t)y * src_width + x0) * 3;
            }
        }
        if (plan.need_vertical) {
            kernels->vertical(taps, plan.rows.coeffs + (size_t)j * plan.rows.stride, count, width * 3, out_row);
            sink(context, j, out_row);
        } else {
            sink(context, j, taps[0]);
        }
    }
    bv_scratch_release(scratch);
    return BV_OK;
}
