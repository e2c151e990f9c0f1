// libtiff shims: the first directory of a TIFF held in memory, decoded as Pillow 9.4's
// TiffDecode.c asks libtiff for it. libtiff's messages go to per-handle handlers (never to
// stderr); the first error becomes the shim's message.
#include "CImageCodecs.h"
#include <stdio.h>
#include <string.h>
#include <tiffio.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *err;
    int has_error;
} tiff_source;

static tmsize_t read_proc(thandle_t handle, void *out, tmsize_t length) {
    tiff_source *source = handle;
    if (length < 0) return -1;
    size_t available = source->offset < source->size ? source->size - source->offset : 0;
    size_t n = (size_t)length < available ? (size_t)length : available;
    if (n) memcpy(out, source->data + source->offset, n);
    source->offset += n;
    return (tmsize_t)n;
}

static tmsize_t write_proc(thandle_t handle, void *data, tmsize_t length) {
    (void)handle;
    (void)data;
    (void)length;
    return -1;
}

static toff_t seek_proc(thandle_t handle, toff_t offset, int whence) {
    tiff_source *source = handle;
    uint64_t base = whence == SEEK_CUR ? source->offset : whence == SEEK_END ? source->size : 0;
    source->offset = (size_t)(base + offset);
    return source->offset;
}

static int close_proc(thandle_t handle) {
    (void)handle;
    return 0;
}

static toff_t size_proc(thandle_t handle) {
    return ((tiff_source *)handle)->size;
}

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    tiff_source *source = user;
    if (!source->has_error) {
        char message[BV_ERROR_LENGTH];
        vsnprintf(message, sizeof message, fmt, ap);
        snprintf(source->err, BV_ERROR_LENGTH, "%s: %s", module ? module : "libtiff", message);
        source->has_error = 1;
    }
    return 1;
}

static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    (void)user;
    (void)module;
    (void)fmt;
    (void)ap;
    return 1;
}

/// Opens the first directory; "m" keeps libtiff from memory-mapping (there is no file).
static TIFF *open_tiff(tiff_source *source) {
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options) {
        snprintf(source->err, BV_ERROR_LENGTH, "TIFFOpenOptionsAlloc failed");
        return NULL;
    }
    TIFFOpenOptionsSetErrorHandlerExtR(options, on_error, source);
    TIFFOpenOptionsSetWarningHandlerExtR(options, on_warning, source);
    TIFF *tif = TIFFClientOpenExt("memory.tif", "rm", source, read_proc, write_proc, seek_proc, close_proc,
                                  size_proc, NULL, NULL, options);
    TIFFOpenOptionsFree(options);
    if (!tif && !source->has_error) snprintf(source->err, BV_ERROR_LENGTH, "TIFFClientOpen: not a readable TIFF");
    return tif;
}

int bv_tiff_read_header(const uint8_t *data, size_t size, bv_tiff_header *header, char *err) {
    tiff_source source = {data, size, 0, err, 0};
    TIFF *tif = open_tiff(&source);
    if (!tif) return BV_ERROR;
    memset(header, 0, sizeof *header);
    uint16_t u16 = 0;
    uint32_t u32 = 0;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &header->width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &header->height);
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &u16);
    header->bits_per_sample = u16;
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &u16);
    header->samples_per_pixel = u16;
    header->photometric = TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &u16) ? u16 : -1;
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &u16);
    header->compression = u16;
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &u16);
    header->planar = u16;
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &u16);
    header->sample_format = u16;
    TIFFGetFieldDefaulted(tif, TIFFTAG_FILLORDER, &u16);
    header->fill_order = u16;
    header->tiled = TIFFIsTiled(tif);
    if (TIFFGetField(tif, TIFFTAG_ROWSPERSTRIP, &u32)) header->rows_per_strip = u32;
    uint16_t count = 0;
    uint16_t *extra = NULL;
    if (TIFFGetField(tif, TIFFTAG_EXTRASAMPLES, &count, &extra) && extra) {
        header->extra_count = count;
        for (int i = 0; i < count && i < 8; i++) header->extra[i] = extra[i];
    }
    uint16_t *red = NULL, *green = NULL, *blue = NULL;
    if (header->bits_per_sample <= 8 && TIFFGetField(tif, TIFFTAG_COLORMAP, &red, &green, &blue) && red && green &&
        blue) {
        int entries = 1 << header->bits_per_sample;
        for (int i = 0; i < entries; i++) {
            header->colormap[i] = red[i];
            header->colormap[256 + i] = green[i];
            header->colormap[512 + i] = blue[i];
        }
        header->colormap_entries = entries;
    }
    TIFFClose(tif);
    return BV_OK;
}

/// Copies `rows` rows of `row_bytes` (from a decoded strip or tile whose rows are `stride`
/// apart) into `out` at byte column `column` of rows `out_row_bytes` wide.
static void copy_rows(uint8_t *out, size_t out_row_bytes, const uint8_t *in, size_t stride, uint32_t rows,
                      size_t column, size_t row_bytes) {
    for (uint32_t r = 0; r < rows; r++) memcpy(out + r * out_row_bytes + column, in + r * stride, row_bytes);
}

/// Strips or tiles, decoded by libtiff, laid out as whole rows (one plane after another when
/// the samples are planar). Returns BV_OK or BV_ERROR.
static int read_samples(TIFF *tif, tiff_source *source, uint8_t *out, size_t out_size, int planes, int bits_per_pixel) {
    uint32_t width = 0, height = 0;
    TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
    size_t row_bytes = ((size_t)width * bits_per_pixel + 7) / 8;
    if (row_bytes == 0 || out_size / row_bytes / planes < height) {
        snprintf(source->err, BV_ERROR_LENGTH, "output buffer too small");
        return BV_ERROR;
    }
    if (TIFFIsTiled(tif)) {
        uint32_t tile_width = 0, tile_height = 0;
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tile_width);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &tile_height);
        tmsize_t tile_size = TIFFTileSize(tif), tile_row = TIFFTileRowSize(tif);
        if (tile_width == 0 || tile_height == 0 || tile_size <= 0 || tile_row <= 0 ||
            (size_t)tile_row < ((size_t)tile_width * bits_per_pixel + 7) / 8 ||
            tile_width * (uint64_t)bits_per_pixel % 8) {
            snprintf(source->err, BV_ERROR_LENGTH, "TIFFTileSize: unusable tile layout");
            return BV_ERROR;
        }
        // Zeroed: where a damaged stream leaves bytes unwritten, they read as zeros.
        uint8_t *tile = _TIFFmalloc(tile_size);
        if (!tile) return BV_ERROR;
        memset(tile, 0, (size_t)tile_size);
        for (int plane = 0; plane < planes; plane++)
            for (uint32_t y = 0; y < height; y += tile_height)
                for (uint32_t x = 0; x < width; x += tile_width) {
                    if (TIFFReadEncodedTile(tif, TIFFComputeTile(tif, x, y, 0, plane), tile, tile_size) == -1) {
                        _TIFFfree(tile);
                        if (!source->has_error) snprintf(source->err, BV_ERROR_LENGTH, "TIFFReadEncodedTile failed");
                        return BV_ERROR;
                    }
                    uint32_t rows = height - y < tile_height ? height - y : tile_height;
                    uint32_t columns = width - x < tile_width ? width - x : tile_width;
                    size_t column = (size_t)x * bits_per_pixel / 8;
                    copy_rows(out + (size_t)plane * height * row_bytes + (size_t)y * row_bytes, row_bytes, tile,
                              tile_row, rows, column, ((size_t)columns * bits_per_pixel + 7) / 8);
                }
        _TIFFfree(tile);
        return BV_OK;
    }
    uint32_t rows_per_strip = 0;
    if (!TIFFGetField(tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip) || rows_per_strip == (uint32_t)-1 ||
        rows_per_strip > height)
        rows_per_strip = height;
    tmsize_t strip_size = TIFFStripSize(tif), scanline = TIFFScanlineSize(tif);
    // Pillow's checks: libtiff's strip and scanline must hold what the unpacker reads.
    if (strip_size <= 0 || rows_per_strip == 0 || (size_t)strip_size > row_bytes * rows_per_strip || scanline <= 0 ||
        (size_t)scanline < row_bytes) {
        snprintf(source->err, BV_ERROR_LENGTH, "TIFFStripSize: strips do not match the image layout");
        return BV_ERROR;
    }
    // Zeroed, as for tiles.
    uint8_t *strip = _TIFFmalloc(strip_size);
    if (!strip) return BV_ERROR;
    memset(strip, 0, (size_t)strip_size);
    for (uint32_t y = 0; y < height; y += rows_per_strip)
        for (int plane = 0; plane < planes; plane++) {
            if (TIFFReadEncodedStrip(tif, TIFFComputeStrip(tif, y, plane), strip, strip_size) == -1) {
                _TIFFfree(strip);
                if (!source->has_error) snprintf(source->err, BV_ERROR_LENGTH, "TIFFReadEncodedStrip failed");
                return BV_ERROR;
            }
            uint32_t rows = height - y < rows_per_strip ? height - y : rows_per_strip;
            uint8_t *destination = out + (size_t)plane * height * row_bytes + (size_t)y * row_bytes;
            copy_rows(destination, row_bytes, strip, scanline, rows, 0, row_bytes);
        }
    _TIFFfree(strip);
    return BV_OK;
}

int bv_tiff_decode(const uint8_t *data, size_t size, int how, int planes, int bits_per_pixel, uint8_t *out,
                   size_t out_size, char *err) {
    tiff_source source = {data, size, 0, err, 0};
    TIFF *tif = open_tiff(&source);
    if (!tif) return BV_ERROR;
    int status = BV_ERROR;
    if (how == BV_TIFF_RGBA) {
        uint32_t width = 0, height = 0;
        TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &width);
        TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &height);
        char message[1024] = "";
        if (out_size / 4 / (width ? width : 1) < height) {
            snprintf(err, BV_ERROR_LENGTH, "output buffer too small");
        } else if (!TIFFRGBAImageOK(tif, message)) {
            snprintf(err, BV_ERROR_LENGTH, "TIFFRGBAImageOK: %s", message);
        } else if (TIFFReadRGBAImageOriented(tif, width, height, (uint32_t *)out, ORIENTATION_TOPLEFT, 0)) {
            status = BV_OK;
        } else if (!source.has_error) {
            snprintf(err, BV_ERROR_LENGTH, "TIFFReadRGBAImageOriented failed");
        }
    } else {
        // YCbCr in new-style JPEG: libjpeg converts to RGB, as Pillow asks it to.
        if (how == BV_TIFF_JPEG_RGB) TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
        status = read_samples(tif, &source, out, out_size, planes, bits_per_pixel);
    }
    TIFFClose(tif);
    return status;
}
