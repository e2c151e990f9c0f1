// TurboJPEG encoder shim: RGB8 -> baseline JPEG, for the HTML report's thumbnails.
//
// One handle per call (as in jpeg.c), so workers encode concurrently without locks. The caller
// owns the output buffer (sized by bv_jpeg_encode_bound), so Swift never frees C memory.
#include "CImageCodecs.h"
#include <stdio.h>
#include <turbojpeg.h>

size_t bv_jpeg_encode_bound(int width, int height) {
    unsigned long bound = tjBufSize(width, height, TJSAMP_420);
    return bound == (unsigned long)-1 ? 0 : (size_t)bound;
}

int bv_jpeg_encode_rgb(const uint8_t *rgb, int width, int height, int quality, uint8_t *out, size_t capacity,
                       size_t *out_size, char *err) {
    if (!rgb || !out || width <= 0 || height <= 0 || quality < 1 || quality > 100) {
        snprintf(err, BV_ERROR_LENGTH, "tjCompress2: invalid arguments (%dx%d, quality %d)", width, height, quality);
        return BV_ERROR;
    }
    if (capacity < bv_jpeg_encode_bound(width, height)) {
        snprintf(err, BV_ERROR_LENGTH, "tjCompress2: output buffer smaller than tjBufSize");
        return BV_ERROR;
    }
    tjhandle handle = tjInitCompress();
    if (!handle) {
        snprintf(err, BV_ERROR_LENGTH, "tjInitCompress: %s", tjGetErrorStr2(NULL));
        return BV_ERROR;
    }
    unsigned char *buffer = out;
    unsigned long size = (unsigned long)capacity;
    // 4:2:0 is what browsers and Pillow default to; NOREALLOC keeps the caller's buffer (the
    // bound above guarantees it is large enough).
    int status = tjCompress2(handle, rgb, width, width * 3, height, TJPF_RGB, &buffer, &size, TJSAMP_420, quality,
                             TJFLAG_NOREALLOC);
    if (status != 0) snprintf(err, BV_ERROR_LENGTH, "tjCompress2: %s", tjGetErrorStr2(handle));
    tjDestroy(handle);
    *out_size = status == 0 ? (size_t)size : 0;
    return status == 0 ? BV_OK : BV_ERROR;
}
