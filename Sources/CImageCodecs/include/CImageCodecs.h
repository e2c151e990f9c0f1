// CImageCodecs: thin C shims over libjpeg-turbo (TurboJPEG), libpng, libwebp, libtiff and LittleCMS.
//
// Only what must be C lives here: libpng reports errors by longjmp, which Swift cannot catch,
// and the codec libraries' structs and macros are awkward from Swift. Every function returns a
// status (BV_OK, BV_WARNING, BV_ERROR) and, on failure, writes a one-line message into `err`.
// Pixel conversion to Pillow's RGB happens in Swift (ImageDecoding), not here.
#pragma once
#include <stddef.h>
#include <stdint.h>

#define BV_OK 0
#define BV_WARNING 1
#define BV_ERROR (-1)
#define BV_ERROR_LENGTH 200

// MARK: - JPEG (TurboJPEG)

/// Header facts of a JPEG: stored size, TurboJPEG subsampling (TJSAMP_*) and colorspace (TJCS_*).
typedef struct {
    int width;
    int height;
    int subsampling;
    int colorspace;
} bv_jpeg_header;

/// Reads the JPEG header. Returns BV_OK or BV_ERROR.
int bv_jpeg_read_header(const uint8_t *data, size_t size, bv_jpeg_header *header, char *err);

/// Decodes a JPEG into `out` (out_width * out_height * channels bytes), channels 3 (RGB) or 4
/// (CMYK as libjpeg outputs it, no inversion). `scale_denom` is 1, 2, 4 or 8 (DCT scaling);
/// out_width/out_height must be the scaled size. Default TurboJPEG flags: islow IDCT, fancy
/// upsampling. Returns BV_OK, BV_WARNING (image complete but libjpeg warned; message in err)
/// or BV_ERROR.
int bv_jpeg_decode(const uint8_t *data, size_t size, int scale_denom, int channels, uint8_t *out,
                   int out_width, int out_height, char *err);

// MARK: - JPEG encoding (TurboJPEG), for report thumbnails

/// The most bytes bv_jpeg_encode_rgb can write for a width x height image (tjBufSize, 4:2:0).
size_t bv_jpeg_encode_bound(int width, int height);

/// Encodes `rgb` (width * height * 3 bytes, rows top to bottom) as a baseline 4:2:0 JPEG at
/// `quality` (1...100) into `out` (`capacity` >= bv_jpeg_encode_bound bytes); the encoded size
/// goes to `out_size`. Returns BV_OK or BV_ERROR.
int bv_jpeg_encode_rgb(const uint8_t *rgb, int width, int height, int quality, uint8_t *out, size_t capacity,
                       size_t *out_size, char *err);

// MARK: - PNG (libpng)

/// IHDR facts and the palette of a PNG as libpng reads them.
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;
    int color_type;
    int interlaced;
    int channels;
    size_t row_bytes;  // bytes of one packed row as stored (before any unpacking)
    int palette_count; // entries in PLTE (0 when absent)
    uint8_t palette[256 * 3];
} bv_png_header;

/// Reads the PNG signature and header chunks up to the first IDAT. Returns BV_OK or BV_ERROR.
int bv_png_read_header(const uint8_t *data, size_t size, bv_png_header *header, char *err);

/// Decodes the PNG's image data into `out` as stored rows (packed samples, 16-bit big-endian),
/// de-interlaced: header->row_bytes * height bytes. No colour transformation. IDAT CRCs are not
/// checked (Pillow does not check them). With `pad_truncated`, reads past the end of `data` get
/// zeros instead of an error: for a file cut short after its last row's data, which Pillow
/// accepts (the caller has checked that the available data holds every row). Returns BV_OK or
/// BV_ERROR.
int bv_png_decode(const uint8_t *data, size_t size, int pad_truncated, uint8_t *out, size_t out_size, char *err);

// MARK: - WebP (libwebp, libwebpdemux)

/// Canvas size and flags of a WebP file.
typedef struct {
    int width;
    int height;
    int has_alpha;
    int has_animation;
} bv_webp_header;

/// Reads the WebP features. Returns BV_OK or BV_ERROR.
int bv_webp_read_header(const uint8_t *data, size_t size, bv_webp_header *header, char *err);

/// Decodes the first frame composited on the canvas, as WebPAnimDecoder (and so Pillow) does,
/// into `out` as non-premultiplied RGBA (width * height * 4 bytes). Returns BV_OK or BV_ERROR.
int bv_webp_decode_first_frame(const uint8_t *data, size_t size, uint8_t *out, int width, int height,
                               char *err);

// MARK: - TIFF (libtiff)

/// The first directory's facts, as libtiff reads them (defaults filled in where TIFF has them).
typedef struct {
    uint32_t width;
    uint32_t height;
    int bits_per_sample;
    int samples_per_pixel;
    int photometric; // -1 when the tag is absent
    int compression;
    int planar;
    int sample_format;
    int fill_order;
    int tiled;
    uint32_t rows_per_strip; // 0 when the tag is absent
    int extra_count;
    uint16_t extra[8];
    int colormap_entries;       // 0 without a colormap
    uint16_t colormap[3 * 256]; // all reds, then greens, then blues
} bv_tiff_header;

#define BV_TIFF_SAMPLES 0  // strips/tiles as decoded: whole rows, planes one after another
#define BV_TIFF_JPEG_RGB 1 // same, with JPEGCOLORMODE_RGB (YCbCr in new-style JPEG)
#define BV_TIFF_RGBA 2     // TIFFReadRGBAImageOriented, top-left: width * height * 4 bytes

/// Opens the TIFF in memory and reads its first directory. Returns BV_OK or BV_ERROR.
int bv_tiff_read_header(const uint8_t *data, size_t size, bv_tiff_header *header, char *err);

/// Decodes the first directory into `out` (`out_size` bytes). With BV_TIFF_SAMPLES or
/// BV_TIFF_JPEG_RGB: `planes` planes (1 when contiguous), each `height` rows of
/// ceil(width * bits_per_pixel / 8) bytes, samples as libtiff returns them (16/32-bit in host
/// order, fill order normalised). With BV_TIFF_RGBA, planes and bits_per_pixel are unused.
/// Returns BV_OK or BV_ERROR.
int bv_tiff_decode(const uint8_t *data, size_t size, int how, int planes, int bits_per_pixel, uint8_t *out,
                   size_t out_size, char *err);

// MARK: - LittleCMS

/// Converts `pixels` L*a*b* pixels (4 bytes each: L, a + 128, b + 128, padding, as Pillow holds
/// a LAB image) to sRGB in `rgba` (4 bytes each; the fourth is left as is), with the transform
/// Pillow's convert("RGB") builds. Returns BV_OK or BV_ERROR.
int bv_lab_to_rgba(const uint8_t *lab, size_t pixels, uint8_t *rgba, char *err);

// MARK: - zlib

/// How many bytes the zlib stream inflates to, counting at most `limit`; input that ends early
/// just stops the count. -1 when the stream is broken before `limit` bytes come out, or right
/// after (inflate reads on through an end of block and the trailer without needing output).
int64_t bv_zlib_inflated_size(const uint8_t *data, size_t size, size_t limit);

/// CRC-32 (the PNG chunk checksum) of `size` bytes.
uint32_t bv_crc32(const uint8_t *data, size_t size);
