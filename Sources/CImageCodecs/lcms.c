// LittleCMS shim: CIE L*a*b* to sRGB exactly as Pillow 9.4's convert("RGB") does it for a
// LAB image (ImageCms.buildTransform(createProfile("LAB"), createProfile("sRGB"), "LAB", "RGB"),
// perceptual intent, no flags; pixel formats from _imagingcms.c's findLCMStype).
#include "CImageCodecs.h"
#include <lcms2.h>
#include <stdio.h>

int bv_lab_to_rgba(const uint8_t *lab, size_t pixels, uint8_t *rgba, char *err) {
    cmsHPROFILE lab_profile = cmsCreateLab2Profile(NULL);
    cmsHPROFILE srgb_profile = cmsCreate_sRGBProfile();
    cmsHTRANSFORM transform = NULL;
    if (lab_profile && srgb_profile) {
        // "LabX": 8-bit L*a*b* V2 with one padding byte, as Pillow stores a LAB pixel.
        cmsUInt32Number lab_x = COLORSPACE_SH(PT_LabV2) | CHANNELS_SH(3) | BYTES_SH(1) | EXTRA_SH(1);
        transform = cmsCreateTransform(lab_profile, lab_x, srgb_profile, TYPE_RGBA_8, INTENT_PERCEPTUAL, 0);
    }
    if (lab_profile) cmsCloseProfile(lab_profile);
    if (srgb_profile) cmsCloseProfile(srgb_profile);
    if (!transform) {
        snprintf(err, BV_ERROR_LENGTH, "cmsCreateTransform: cannot build the LAB to sRGB transform");
        return BV_ERROR;
    }
    cmsDoTransform(transform, lab, rgba, (cmsUInt32Number)pixels);
    cmsDeleteTransform(transform);
    return BV_OK;
}
