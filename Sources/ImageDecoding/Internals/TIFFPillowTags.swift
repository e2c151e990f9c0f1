import CImageCodecs

// MARK: - Pillow's `_setup`: the tag values that pick the mode

/// The values `TiffImageFile._setup` derives from the tags before looking up `OPEN_INFO`.
struct TIFFPillowTags {
    let width: Int
    let height: Int
    let compression: Int
    let photometric: Int
    let fillOrder: Int
    let planar: Int
    let samplesPerPixel: Int
    /// One value for every sample (Pillow's table has no mixed depths).
    let bitsPerSample: Int
    /// One value for every sample (a tuple of ones counts as one).
    let sampleFormat: Int
    let extra: [UInt16]
    let orientation: Int?
}

extension TIFFLayout {
    /// Pillow's derivations, step for step: photometric 0 when missing (6 for old-style JPEG),
    /// samples per pixel defaulting to 1 (3 for old-style JPEG RGB/YCbCr) and at most 6, bits
    /// per sample cut to or repeated for that many samples.
    static func pillowTags(_ h: bv_tiff_header, _ fields: TIFFFields?) throws(ImageDecodingError) -> TIFFPillowTags {
        guard let f = fields else { return fromLibtiff(h) }
        let used = [
            TIFFTag.width, TIFFTag.height, TIFFTag.bitsPerSample, TIFFTag.compression, TIFFTag.photometric,
            TIFFTag.fillOrder, TIFFTag.stripOffsets, TIFFTag.samplesPerPixel, TIFFTag.rowsPerStrip, TIFFTag.planar,
            TIFFTag.tileWidth, TIFFTag.tileLength, TIFFTag.tileOffsets, TIFFTag.extraSamples, TIFFTag.sampleFormat,
        ]
        guard !f.hasFractional(used) else {
            throw .corrupt(.tiff, reason: "cannot identify image file (a layout tag is fractional)")
        }
        guard let width = f.scalar(TIFFTag.width), let height = f.scalar(TIFFTag.height) else {
            throw .corrupt(.tiff, reason: "cannot identify image file (no image size)")
        }
        let compression = f.scalar(TIFFTag.compression) ?? 1
        guard knownCompressions.contains(compression) else {
            throw .corrupt(.tiff, reason: "unknown compression \(compression)")
        }
        let photometric = compression == 6 ? 6 : f.scalar(TIFFTag.photometric) ?? 0
        // Pillow reads the colormap of a palette image as integers (`b // 256`).
        guard photometric != 3 || !f.hasFractional([TIFFTag.colorMap]) else {
            throw .corrupt(.tiff, reason: "cannot identify image file (the colormap is not integers)")
        }
        var formats = f[TIFFTag.sampleFormat] ?? [1]
        if formats.count > 1 && formats.allSatisfy({ $0 == 1 }) { formats = [1] }
        let defaultSamples = compression == 6 && (photometric == 2 || photometric == 6) ? 3 : 1
        let spp = f.scalar(TIFFTag.samplesPerPixel) ?? defaultSamples
        guard spp <= 6 else { throw .corrupt(.tiff, reason: "Invalid value for samples per pixel") }
        var bps = f[TIFFTag.bitsPerSample] ?? [1]
        if spp < bps.count {
            bps = Array(bps.prefix(spp))
        } else if spp > bps.count && bps.count == 1 {
            bps = Array(repeating: bps[0], count: spp)
        }
        guard bps.count == spp, let depth = bps.first, bps.allSatisfy({ $0 == depth }), formats.count == 1 else {
            throw .corrupt(.tiff, reason: "unknown data organization")
        }
        return TIFFPillowTags(
            width: width, height: height, compression: compression, photometric: photometric,
            fillOrder: f.scalar(TIFFTag.fillOrder) ?? 1, planar: f.scalar(TIFFTag.planar) ?? 1, samplesPerPixel: spp,
            bitsPerSample: depth, sampleFormat: formats[0],
            extra: (f[TIFFTag.extraSamples] ?? []).map { UInt16(truncatingIfNeeded: $0) },
            orientation: f.scalar(TIFFTag.orientation))
    }

    /// The keys of Pillow's `COMPRESSION_INFO`; any other value is a `KeyError` in `_setup`.
    private static let knownCompressions: Set<Int> = [
        1, 2, 3, 4, 5, 6, 7, 8, 32771, 32773, 32809, 32946, 34676, 34677, 34925, 50000, 50001,
    ]

    /// BigTIFF: libtiff's view stands in for Pillow's.
    private static func fromLibtiff(_ h: bv_tiff_header) -> TIFFPillowTags {
        let extra = withUnsafeBytes(of: h.extra) { Array($0.bindMemory(to: UInt16.self).prefix(Int(h.extra_count))) }
        return TIFFPillowTags(
            width: Int(h.width), height: Int(h.height), compression: Int(h.compression),
            photometric: h.compression == 6 ? 6 : max(0, Int(h.photometric)), fillOrder: Int(h.fill_order),
            planar: Int(h.planar), samplesPerPixel: Int(h.samples_per_pixel), bitsPerSample: Int(h.bits_per_sample),
            sampleFormat: Int(h.samples_per_pixel) > 1 ? 1 : Int(h.sample_format), extra: extra, orientation: nil)
    }
}
