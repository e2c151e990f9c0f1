// Whole-image Pillow resize: the window is the full output.
#include <string.h>

#include "CImageKernels.h"
#include "resample_internal.h"

typedef struct image_sink {
    uint8_t *dst;
    size_t row_bytes;
} image_sink;

static void copy_row(void *context, int32_t row, const uint8_t *rgb) {
    image_sink *sink = context;
    memcpy(sink->dst + (size_t)row * sink->row_bytes, rgb, sink->row_bytes);
}

int32_t bv_resize_rgb8(const uint8_t *src, int32_t src_width, int32_t src_height,
                       uint8_t *dst, int32_t dst_width, int32_t dst_height, int32_t filter, int32_t variant) {
    const bv_kernels *kernels = bv_kernels_for(variant);
    const bv_filter *taps = bv_filter_for(filter);
    if (kernels == NULL || taps == NULL) {
        return BV_ERROR_ARGUMENT;
    }
    image_sink sink = {dst, (size_t)dst_width * 3};
    return bv_resample_window(src, src_width, src_height, dst_width, dst_height, 0, 0, dst_width, dst_height,
                              taps, kernels, copy_row, &sink);
}
