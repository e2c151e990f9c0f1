#!/usr/bin/python3
"""Writes the generated decoding test cases with Pillow (and a tiny PNG writer), no goldens.

    decode_make_cases.py OUTDIR formats    # every mode/format/size edge case; prints file names
    decode_make_cases.py OUTDIR exif       # JPEG/PNG/WebP with EXIF orientation 1..8
    decode_make_cases.py OUTDIR draft      # JPEGs of assorted sizes for DCT-scaled decoding
    decode_make_cases.py OUTDIR seeds      # small valid JPEG/PNG/WebP files for mutation fuzzing
    decode_make_cases.py OUTDIR bgt        # BMP/GIF/TIFF modes and edge cases written by Pillow
    decode_make_cases.py OUTDIR bgt-seeds  # small valid BMP/GIF/TIFF files for mutation fuzzing

Pillow cannot write 2/4-bit gray, 16-bit colour or interlaced PNGs, so `png()` below writes
PNGs directly (zlib, filter type 0 or a mix, Adam7 when asked); Pillow is still the judge of
how they decode. Images are deterministic (seeded numpy) with smooth gradients plus noise, so
JPEG chroma upsampling and IDCT rounding are exercised.
"""

import io
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image

RNG = np.random.default_rng(20240611)


def photo(w, h, channels=3):
    """A deterministic 'photo': gradients plus noise, uint8 HxWxC."""
    y, x = np.mgrid[0:h, 0:w]
    base = [(x * 255 // max(w - 1, 1)), (y * 255 // max(h - 1, 1)), ((x + y) * 255 // max(w + h - 2, 1))]
    planes = [(base[c % 3] + RNG.integers(-40, 41, (h, w))).clip(0, 255) for c in range(channels)]
    return np.stack(planes, axis=-1).astype(np.uint8)


# MARK: - a minimal PNG writer (any depth, colour type, optional Adam7)

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def pack_rows(samples, depth):
    """samples: HxWxC ints -> list of packed row bytes."""
    h = samples.shape[0]
    rows = []
    for r in range(h):
        flat = samples[r].reshape(-1)
        if depth == 16:
            rows.append(b"".join(struct.pack(">H", int(v)) for v in flat))
        elif depth == 8:
            rows.append(bytes(int(v) for v in flat))
        else:
            per = 8 // depth
            out = bytearray((len(flat) + per - 1) // per)
            for i, v in enumerate(flat):
                out[i // per] |= int(v) << (8 - depth * (i % per + 1))
            rows.append(bytes(out))
    return rows


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png(samples, depth, colour, interlace=False, plte=None, trns=None, extra=b""):
    h, w = samples.shape[:2]
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += b"".join(b"\0" + r for r in pack_rows(sub, depth))
    else:
        raw = b"".join(b"\0" + r for r in pack_rows(samples, depth))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, colour, 0, 0, int(interlace)))
    if plte is not None:
        out += chunk(b"PLTE", as_bytes(plte))
    if trns is not None:
        out += chunk(b"tRNS", as_bytes(trns))
    return out + extra + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def as_bytes(values):
    return bytes(int(v) for v in values)


def levels(h, w, c, depth):
    return RNG.integers(0, 1 << depth, (h, w, c))


# MARK: - case sets

def formats(out):
    cases = {}
    for w, h in [(1, 1), (2, 3), (4000, 200), (150, 3000)]:
        im = Image.fromarray(photo(w, h))
        for name, kwargs in [("q90", dict(quality=90)), ("progressive", dict(quality=85, progressive=True))]:
            buf = io.BytesIO(); im.save(buf, "JPEG", **kwargs); cases[f"jpeg_{name}_{w}x{h}.jpg"] = buf.getvalue()
        buf = io.BytesIO(); im.save(buf, "PNG"); cases[f"png_rgb_{w}x{h}.png"] = buf.getvalue()
        buf = io.BytesIO(); im.save(buf, "WEBP", quality=80); cases[f"webp_lossy_{w}x{h}.webp"] = buf.getvalue()
    im = Image.fromarray(photo(97, 61))
    for sub in (0, 1, 2):
        buf = io.BytesIO(); im.save(buf, "JPEG", quality=75, subsampling=sub); cases[f"jpeg_subsampling{sub}.jpg"] = buf.getvalue()
    buf = io.BytesIO(); im.convert("L").save(buf, "JPEG"); cases["jpeg_gray.jpg"] = buf.getvalue()
    buf = io.BytesIO(); im.convert("L").save(buf, "JPEG", progressive=True); cases["jpeg_gray_progressive.jpg"] = buf.getvalue()
    cmyk = Image.fromarray(photo(97, 61, 4), "CMYK")
    buf = io.BytesIO(); cmyk.save(buf, "JPEG", quality=90); cases["jpeg_cmyk_adobe.jpg"] = buf.getvalue()
    buf = io.BytesIO(); cmyk.save(buf, "JPEG", quality=90, progressive=True); cases["jpeg_cmyk_progressive.jpg"] = buf.getvalue()
    # PNG, every bit depth and colour type, plain and interlaced
    w, h = 37, 23
    for interlace in (False, True):
        tag = "_interlaced" if interlace else ""
        for depth in (1, 2, 4, 8, 16):
            cases[f"png_gray{depth}{tag}.png"] = png(levels(h, w, 1, depth), depth, 0, interlace)
        cases[f"png_gray16_low{tag}.png"] = png(RNG.integers(0, 600, (h, w, 1)), 16, 0, interlace)
        for depth in (8, 16):
            cases[f"png_la{depth}{tag}.png"] = png(levels(h, w, 2, depth), depth, 4, interlace)
            cases[f"png_rgb{depth}{tag}.png"] = png(levels(h, w, 3, depth), depth, 2, interlace)
            cases[f"png_rgba{depth}{tag}.png"] = png(levels(h, w, 4, depth), depth, 6, interlace)
        for depth in (1, 2, 4, 8):
            n = 1 << depth
            plte = RNG.integers(0, 256, 3 * n)
            cases[f"png_p{depth}{tag}.png"] = png(levels(h, w, 1, depth), depth, 3, interlace, plte=plte)
            cases[f"png_p{depth}_trns{tag}.png"] = png(levels(h, w, 1, depth), depth, 3, interlace, plte=plte,
                                                     trns=RNG.integers(0, 256, n))
        cases[f"png_gray8_trns{tag}.png"] = png(levels(h, w, 1, 8), 8, 0, interlace, trns=b"\0\x10")
        cases[f"png_rgb8_trns{tag}.png"] = png(levels(h, w, 3, 8), 8, 2, interlace, trns=b"\0\x10\0\x20\0\x30")
    # a palette shorter than the indices used: Pillow shows the gray ramp past its end
    cases["png_p8_short_palette.png"] = png(levels(h, w, 1, 8), 8, 3, plte=RNG.integers(0, 256, 3 * 10))
    # a palette over 256 entries: Pillow refuses it ("invalid palette size")
    cases["png_p8_oversized_palette.png"] = png(levels(h, w, 1, 8), 8, 3, plte=RNG.integers(0, 256, 3 * 300))
    # Pillow-written PNG modes
    for mode in ("1", "L", "LA", "P", "RGBA", "I"):
        src = Image.fromarray(photo(33, 17)).convert(mode if mode != "I" else "L")
        if mode == "I":
            src = Image.fromarray((np.asarray(src).astype(np.int32) * 3), "I")
        buf = io.BytesIO(); src.save(buf, "PNG"); cases[f"png_pillow_{mode}.png"] = buf.getvalue()
    # WebP: lossless, alpha (lossy and exact lossless), animated; APNG
    rgba = photo(45, 29, 4)
    rgba[..., 3] = np.where(RNG.random((29, 45)) < 0.3, 0, rgba[..., 3])
    im = Image.fromarray(rgba, "RGBA")
    buf = io.BytesIO(); Image.fromarray(photo(45, 29)).save(buf, "WEBP", lossless=True); cases["webp_lossless.webp"] = buf.getvalue()
    buf = io.BytesIO(); im.save(buf, "WEBP", quality=80); cases["webp_lossy_alpha.webp"] = buf.getvalue()
    buf = io.BytesIO(); im.save(buf, "WEBP", lossless=True, exact=True); cases["webp_lossless_alpha_exact.webp"] = buf.getvalue()
    frames = [Image.fromarray(photo(40, 30)) for _ in range(3)]
    buf = io.BytesIO(); frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=50); cases["webp_animated.webp"] = buf.getvalue()
    buf = io.BytesIO(); frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=50); cases["apng_animated.png"] = buf.getvalue()
    return cases


def with_orientation(im, fmt, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, fmt, exif=exif.tobytes(), **({"quality": 90} if fmt == "JPEG" else {}))
    return buf.getvalue()


def exif(out):
    im = Image.fromarray(photo(13, 7))
    cases = {}
    for o in range(1, 9):
        cases[f"exif_{o}.jpg"] = with_orientation(im, "JPEG", o)
        cases[f"exif_{o}.png"] = with_orientation(im, "PNG", o)
        cases[f"exif_{o}.webp"] = with_orientation(im, "WEBP", o)
    return cases


def draft(out):
    cases = {}
    for w, h in [(500, 375), (448, 448), (1000, 223), (224, 224), (2000, 1500), (671, 899), (97, 1203)]:
        buf = io.BytesIO(); Image.fromarray(photo(w, h)).save(buf, "JPEG", quality=90)
        cases[f"draft_{w}x{h}.jpg"] = buf.getvalue()
    buf = io.BytesIO(); Image.fromarray(photo(640, 480)).convert("L").save(buf, "JPEG")
    cases["draft_gray_640x480.jpg"] = buf.getvalue()
    return cases


def seeds(out):
    im = Image.fromarray(photo(24, 16))
    cases = {}
    for name, fmt, kwargs in [("seed.jpg", "JPEG", {}), ("seed_progressive.jpg", "JPEG", {"progressive": True}),
                              ("seed.png", "PNG", {}), ("seed.webp", "WEBP", {}), ("seed_lossless.webp", "WEBP", {"lossless": True})]:
        buf = io.BytesIO(); im.save(buf, fmt, **kwargs); cases[name] = buf.getvalue()
    cases["seed_p4_interlaced.png"] = png(levels(16, 24, 1, 4), 4, 3, True, plte=RNG.integers(0, 256, 48), trns=b"\0\x80")
    cases["seed_rgba16.png"] = png(levels(16, 24, 4, 16), 16, 6)
    return cases


def saved(im, fmt, **kwargs):
    buf = io.BytesIO()
    im.save(buf, fmt, **kwargs)
    return buf.getvalue()


def bgt(out):
    """BMP, GIF and TIFF in every mode Pillow writes, with the options that change the bytes."""
    rgb = Image.fromarray(photo(37, 23))
    rgba = Image.fromarray(photo(37, 23, 4), "RGBA")
    cases = {}
    for mode in ("1", "L", "P", "RGB", "RGBA"):
        src = rgba if mode == "RGBA" else rgb.convert(mode)
        cases[f"bmp_{mode}.bmp"] = saved(src, "BMP")
        cases[f"dib_{mode}.dib"] = saved(src, "DIB")
    cases["bmp_1x1.bmp"] = saved(Image.fromarray(photo(1, 1)), "BMP")
    cases["bmp_wide_4000x3.bmp"] = saved(Image.fromarray(photo(4000, 3)), "BMP")
    # GIF: palettes of several sizes, interlace, transparency, a frame smaller than the screen
    for colors in (2, 16, 256):
        src = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=colors)
        cases[f"gif_p{colors}.gif"] = saved(src, "GIF")
        cases[f"gif_p{colors}_interlaced.gif"] = saved(src, "GIF", interlace=True)
        cases[f"gif_p{colors}_transparent.gif"] = saved(src, "GIF", transparency=1)
    cases["gif_gray.gif"] = saved(rgb.convert("L"), "GIF")
    cases["gif_1x1.gif"] = saved(Image.fromarray(photo(1, 1)).convert("P"), "GIF")
    frames = [rgb.convert("P"), Image.fromarray(photo(37, 23)).convert("P")]
    cases["gif_animated.gif"] = saved(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=40)
    # TIFF: every mode and compression Pillow writes through libtiff, both byte orders
    for mode in ("1", "L", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F", "LA", "YCbCr"):
        src = rgba if mode == "RGBA" else rgb.convert("RGB" if mode in ("I;16", "I", "F") else mode)
        if mode in ("I;16", "I", "F"):
            values = (np.asarray(rgb.convert("L")).astype(np.int32) * 3) - 40
            src = Image.fromarray(values.clip(0, 65535).astype(np.uint16) if mode == "I;16" else
                                  values.astype(np.int32 if mode == "I" else np.float32) / (1 if mode == "I" else 1.5),
                                  None if mode != "I;16" else "I;16")
        for compression in ("raw", "tiff_lzw", "tiff_adobe_deflate", "packbits"):
            tag = mode.replace(";", "")
            try:
                cases[f"tiff_{tag}_{compression}.tif"] = saved(src, "TIFF", compression=compression)
            except (OSError, ValueError):
                pass
    cases["tiff_RGB_jpeg.tif"] = saved(rgb, "TIFF", compression="jpeg", quality=90)
    cases["tiff_L_jpeg.tif"] = saved(rgb.convert("L"), "TIFF", compression="jpeg")
    cases["tiff_1_group4.tif"] = saved(rgb.convert("1"), "TIFF", compression="group4")
    cases["tiff_multipage.tif"] = saved(rgb, "TIFF", save_all=True, append_images=[rgb.convert("L")])
    # big-endian: Pillow writes "I;16B" images in MM byte order
    wide = (np.asarray(rgb.convert("L")).astype(">u2") * 3).tobytes()
    for compression in ("raw", "tiff_lzw"):
        cases[f"tiff_I16B_{compression}.tif"] = saved(Image.frombytes("I;16B", rgb.size, wide), "TIFF", compression=compression)
    return cases


def bgt_seeds(out):
    im = Image.fromarray(photo(24, 16))
    return {
        "seed.bmp": saved(im, "BMP"),
        "seed_p.bmp": saved(im.convert("P"), "BMP"),
        "seed.gif": saved(im.convert("P"), "GIF"),
        "seed_interlaced.gif": saved(im.convert("P"), "GIF", interlace=True),
        "seed.tif": saved(im, "TIFF"),
        "seed_lzw.tif": saved(im, "TIFF", compression="tiff_lzw"),
    }


def main():
    outdir, kind = sys.argv[1], sys.argv[2]
    cases = {"formats": formats, "exif": exif, "draft": draft, "seeds": seeds, "bgt": bgt,
             "bgt-seeds": bgt_seeds}[kind](outdir)
    for name, data in sorted(cases.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        print(name)


if __name__ == "__main__":
    main()
