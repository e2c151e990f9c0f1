// libpng shims. libpng reports errors by longjmp, so every call into it sits under setjmp here.
#include "CImageCodecs.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
    char *err;
    int pad; // supply zeros past the end instead of failing (see bv_png_decode)
} png_source;

static void read_from_memory(png_structp png, png_bytep out, size_t length) {
    png_source *source = png_get_io_ptr(png);
    size_t available = source->size - source->offset;
    if (length > available) {
        if (!source->pad) png_error(png, "file is truncated");
        memcpy(out, source->data + source->offset, available);
        memset(out + available, 0, length - available);
        source->offset = source->size;
        return;
    }
    memcpy(out, source->data + source->offset, length);
    source->offset += length;
}

static void on_error(png_structp png, png_const_charp message) {
    png_source *source = png_get_error_ptr(png);
    snprintf(source->err, BV_ERROR_LENGTH, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

/// Creates the read structs; the caller must setjmp before any further libpng call.
static int open_png(png_source *source, png_structp *png, png_infop *info) {
    *png = png_create_read_struct(PNG_LIBPNG_VER_STRING, source, on_error, on_warning);
    if (!*png) {
        snprintf(source->err, BV_ERROR_LENGTH, "png_create_read_struct failed");
        return BV_ERROR;
    }
    *info = png_create_info_struct(*png);
    if (!*info) {
        png_destroy_read_struct(png, NULL, NULL);
        snprintf(source->err, BV_ERROR_LENGTH, "png_create_info_struct failed");
        return BV_ERROR;
    }
    png_set_read_fn(*png, source, read_from_memory);
    // Pillow never checks IDAT CRCs and checks the others itself (Swift mirrors that), so libpng
    // must not reject a file Pillow reads.
    png_set_crc_action(*png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
    // The caller checks the pixel budget; lift libpng's own 1e6 x 1e6 cap out of the way.
    png_set_user_limits(*png, 0x7fffffff, 0x7fffffff);
    return BV_OK;
}

static void fill_header(png_structp png, png_infop info, bv_png_header *header) {
    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->bit_depth = png_get_bit_depth(png, info);
    header->color_type = png_get_color_type(png, info);
    header->interlaced = png_get_interlace_type(png, info) != PNG_INTERLACE_NONE;
    header->channels = png_get_channels(png, info);
    header->row_bytes = png_get_rowbytes(png, info);
    header->palette_count = 0;
    png_colorp palette = NULL;
    int count = 0;
    if (png_get_PLTE(png, info, &palette, &count) && palette && count > 0) {
        if (count > 256) count = 256;
        for (int i = 0; i < count; i++) {
            header->palette[3 * i] = palette[i].red;
            header->palette[3 * i + 1] = palette[i].green;
            header->palette[3 * i + 2] = palette[i].blue;
        }
        header->palette_count = count;
    }
}

int bv_png_read_header(const uint8_t *data, size_t size, bv_png_header *header, char *err) {
    png_source source = {data, size, 0, err, 0};
    png_structp png;
    png_infop info;
    if (open_png(&source, &png, &info) != BV_OK) return BV_ERROR;
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return BV_ERROR;
    }
    png_read_info(png, info);
    fill_header(png, info, header);
    png_destroy_read_struct(&png, &info, NULL);
    return BV_OK;
}

int bv_png_decode(const uint8_t *data, size_t size, int pad_truncated, uint8_t *out, size_t out_size, char *err) {
    png_source source = {data, size, 0, err, pad_truncated};
    png_structp png;
    png_infop info;
    if (open_png(&source, &png, &info) != BV_OK) return BV_ERROR;
    // volatile: read after longjmp.
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        png_free(png, rows);
        png_destroy_read_struct(&png, &info, NULL);
        return BV_ERROR;
    }
    if (pad_truncated) {
        // The zeros that stand in for a missing zlib trailer must not fail its checksum.
        png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
        png_set_benign_errors(png, 1);
    }
    png_read_info(png, info);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    size_t row_bytes = png_get_rowbytes(png, info);
    if (height == 0 || row_bytes == 0 || out_size / row_bytes < height) png_error(png, "output buffer too small");
    rows = png_malloc(png, sizeof(png_bytep) * height);
    for (png_uint_32 y = 0; y < height; y++) rows[y] = out + (size_t)y * row_bytes;
    png_read_image(png, rows);
    png_free(png, rows);
    png_destroy_read_struct(&png, &info, NULL);
    return BV_OK;
}
