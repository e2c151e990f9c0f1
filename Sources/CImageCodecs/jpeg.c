// TurboJPEG shims: one handle per call, so decoding is thread-safe without locks.
#include "CImageCodecs.h"
#include <stdio.h>
#include <string.h>
#include <turbojpeg.h>

static void copy_error(tjhandle handle, const char *function, char *err) {
    snprintf(err, BV_ERROR_LENGTH, "%s: %s", function, handle ? tjGetErrorStr2(handle) : "no handle");
}

/// Whether TurboJPEG's message is one of libjpeg's warnings (JWRN_*), not a fatal error.
///
/// TurboJPEG 2.1 reports TJERR_WARNING whenever any warning was emitted, even when a fatal
/// error ended the decode afterwards; its message is the first warning or the fatal error, so
/// the message tells which it was.
static int is_warning_message(const char *message) {
    static const char *const warnings[] = {
        "Corrupt JPEG data", "Premature end of JPEG file", "Unknown Adobe color transform code",
        "Inconsistent progression sequence", "Warning: unknown JFIF revision number",
        "Invalid SOS parameters for sequential JPEG", "Application transferred too many scanlines",
    };
    for (size_t i = 0; i < sizeof warnings / sizeof warnings[0]; i++) {
        if (strncmp(message, warnings[i], strlen(warnings[i])) == 0) return 1;
    }
    return 0;
}

int bv_jpeg_read_header(const uint8_t *data, size_t size, bv_jpeg_header *header, char *err) {
    tjhandle handle = tjInitDecompress();
    if (!handle) {
        snprintf(err, BV_ERROR_LENGTH, "tjInitDecompress: %s", tjGetErrorStr2(NULL));
        return BV_ERROR;
    }
    header->width = header->height = 0;
    int status = tjDecompressHeader3(handle, data, (unsigned long)size, &header->width, &header->height,
                                     &header->subsampling, &header->colorspace);
    // A warning (say, junk bytes before a marker) still gives a usable header, as in Pillow.
    if (status != 0 && tjGetErrorCode(handle) == TJERR_WARNING && header->width > 0 && header->height > 0) status = 0;
    if (status != 0) copy_error(handle, "tjDecompressHeader3", err);
    tjDestroy(handle);
    return status == 0 ? BV_OK : BV_ERROR;
}

int bv_jpeg_decode(const uint8_t *data, size_t size, int scale_denom, int channels, uint8_t *out,
                   int out_width, int out_height, char *err) {
    tjhandle handle = tjInitDecompress();
    if (!handle) {
        snprintf(err, BV_ERROR_LENGTH, "tjInitDecompress: %s", tjGetErrorStr2(NULL));
        return BV_ERROR;
    }
    int width = 0, height = 0, subsampling = 0, colorspace = 0;
    int result = BV_OK;
    if (tjDecompressHeader3(handle, data, (unsigned long)size, &width, &height, &subsampling, &colorspace) != 0 &&
        !(tjGetErrorCode(handle) == TJERR_WARNING && width > 0 && height > 0)) {
        copy_error(handle, "tjDecompressHeader3", err);
        result = BV_ERROR;
    } else if (TJSCALED(width, ((tjscalingfactor){1, scale_denom})) != out_width ||
               TJSCALED(height, ((tjscalingfactor){1, scale_denom})) != out_height) {
        snprintf(err, BV_ERROR_LENGTH, "tjDecompress2: output size does not match the header");
        result = BV_ERROR;
    } else {
        int format = channels == 4 ? TJPF_CMYK : TJPF_RGB;
        // flags 0: islow IDCT and fancy upsampling, libjpeg's defaults, which Pillow also uses.
        if (tjDecompress2(handle, data, (unsigned long)size, out, out_width, out_width * channels, out_height,
                          format, 0) != 0) {
            copy_error(handle, "tjDecompress2", err);
            int warning = tjGetErrorCode(handle) == TJERR_WARNING && is_warning_message(tjGetErrorStr2(handle));
            result = warning ? BV_WARNING : BV_ERROR;
        }
    }
    tjDestroy(handle);
    return result;
}
