// zlib shim: measures how far a stream inflates, without keeping the output.
#include "CImageCodecs.h"
#include <zlib.h>

int64_t bv_zlib_inflated_size(const uint8_t *data, size_t size, size_t limit) {
    z_stream stream = {0};
    if (inflateInit(&stream) != Z_OK) return -1;
    unsigned char sink[16384];
    size_t total = 0;
    int status = Z_OK;
    stream.next_in = (Bytef *)data;
    stream.avail_in = (uInt)(size > 0xffffffffu ? 0xffffffffu : size);
    while (status == Z_OK && total < limit) {
        size_t want = limit - total < sizeof sink ? limit - total : sizeof sink;
        stream.next_out = sink;
        stream.avail_out = (uInt)want;
        status = inflate(&stream, Z_NO_FLUSH);
        total += want - stream.avail_out;
        if (status == Z_BUF_ERROR && stream.avail_in == 0) break; // input ran out: count stands
    }
    inflateEnd(&stream);
    // inflate goes on past the last output byte while it needs no output space (end of block,
    // trailer check), as it does for Pillow's last row: a data error there counts.
    if (status < 0 && status != Z_BUF_ERROR) return -1;
    if (total >= limit) return (int64_t)limit;
    return (status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR) ? (int64_t)total : -1;
}

uint32_t bv_crc32(const uint8_t *data, size_t size) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {
        uInt chunk = size > 0x40000000u ? 0x40000000u : (uInt)size;
        crc = crc32(crc, data, chunk);
        data += chunk;
        size -= chunk;
    }
    return (uint32_t)crc;
}
