// libwebp shims. Decoding goes through WebPAnimDecoder for still and animated files alike,
// because that is what Pillow 9.4's WebP plugin uses.
#include "CImageCodecs.h"
#include <stdio.h>
#include <string.h>
#include <webp/decode.h>
#include <webp/demux.h>

int bv_webp_read_header(const uint8_t *data, size_t size, bv_webp_header *header, char *err) {
    WebPBitstreamFeatures features;
    VP8StatusCode status = WebPGetFeatures(data, size, &features);
    if (status != VP8_STATUS_OK) {
        snprintf(err, BV_ERROR_LENGTH, "WebPGetFeatures: status %d", (int)status);
        return BV_ERROR;
    }
    header->width = features.width;
    header->height = features.height;
    header->has_alpha = features.has_alpha;
    header->has_animation = features.has_animation;
    return BV_OK;
}

int bv_webp_decode_first_frame(const uint8_t *data, size_t size, uint8_t *out, int width, int height,
                               char *err) {
    WebPAnimDecoderOptions options;
    if (!WebPAnimDecoderOptionsInit(&options)) {
        snprintf(err, BV_ERROR_LENGTH, "WebPAnimDecoderOptionsInit failed");
        return BV_ERROR;
    }
    options.color_mode = MODE_RGBA;
    options.use_threads = 0;
    WebPData webp = {data, size};
    WebPAnimDecoder *decoder = WebPAnimDecoderNew(&webp, &options);
    if (!decoder) {
        snprintf(err, BV_ERROR_LENGTH, "WebPAnimDecoderNew: could not parse the file");
        return BV_ERROR;
    }
    int result = BV_OK;
    WebPAnimInfo info;
    uint8_t *frame = NULL;
    int timestamp = 0;
    if (!WebPAnimDecoderGetInfo(decoder, &info)) {
        snprintf(err, BV_ERROR_LENGTH, "WebPAnimDecoderGetInfo failed");
        result = BV_ERROR;
    } else if ((int)info.canvas_width != width || (int)info.canvas_height != height) {
        snprintf(err, BV_ERROR_LENGTH, "WebPAnimDecoderGetInfo: canvas size does not match the header");
        result = BV_ERROR;
    } else if (!WebPAnimDecoderGetNext(decoder, &frame, &timestamp) || !frame) {
        snprintf(err, BV_ERROR_LENGTH, "WebPAnimDecoderGetNext: could not decode the first frame");
        result = BV_ERROR;
    } else {
        memcpy(out, frame, (size_t)width * (size_t)height * 4);
    }
    WebPAnimDecoderDelete(decoder);
    return result;
}
