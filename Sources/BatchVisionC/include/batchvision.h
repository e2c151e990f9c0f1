/*
 * batchvision.h: the C ABI of BatchVision, the Swift image-classification engine.
 *
 * libBatchVisionC.so implements these functions in Swift (@_cdecl). It is what the Python
 * package `batchvision` loads with ctypes, so that Ray Data (or any C caller) runs the same
 * engine, with the same preprocessing and numerics, as `batchvision classify`.
 *
 *   bv_classifier_create ─► bv_classify_encoded / bv_classify_decoded ─► bv_results_* ─► bv_results_free
 *                                                                                  ─► bv_classifier_destroy
 *
 * Conventions:
 *   - No call aborts the process on bad input. A call that fails returns NULL (or -1) and sets
 *     a message that bv_last_error() returns on the same thread.
 *   - A bad IMAGE is not a failed call: it gets an error string in the results, and the other
 *     images of the batch are classified as usual (one result per input, always).
 *   - Strings are UTF-8 and NUL-terminated. Pointers returned by bv_results_* stay valid until
 *     bv_results_free; the string from bv_version is static.
 *   - A classifier is safe to share between threads: calls on one classifier run one at a time.
 *     Each call uses the classifier's threads for decoding, preprocessing and the model.
 */
#ifndef BATCHVISION_H
#define BATCHVISION_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Incremented whenever a declaration below changes incompatibly. */
#define BATCHVISION_ABI_VERSION 3

/* A loaded model: weights read, graph compiled, preprocessing chosen. Opaque. */
typedef struct bv_classifier bv_classifier;

/* The predictions for one batch of images. Opaque; read with bv_results_*, free with bv_results_free. */
typedef struct bv_results bv_results;

/* The engine's version, e.g. "0.1.0" (the one `batchvision --version` prints). Static storage. */
const char *bv_version(void);

/* BATCHVISION_ABI_VERSION of the library actually loaded; callers compare it with their header's. */
int bv_abi_version(void);

/* Why the last failed call on this thread failed, or NULL if none has. Valid until the next
   failing call on this thread. */
const char *bv_last_error(void);

/*
 * Loads a model.
 *
 *   model           catalog name: "resnet18", "resnet50", "resnet152", "efficientnet_lite0", ...
 *   weights         a .pth or .safetensors file; NULL: the model's file in $BATCHVISION_HOME/weights
 *                   or the torch hub cache (as the CLI resolves it). Must be NULL with random_weights.
 *   random_weights  nonzero: seeded random parameters, the same as the CLI's --random-weights
 *                   (tests and benchmarks only; the predictions are meaningless).
 *   threads         intra-op threads for the model, also the decode/preprocess workers; <= 0: all cores.
 *   precision       "fp32" (PyTorch-exact within 1e-4), "bf16" or "int8" (needs calibration); NULL: "fp32".
 *   batch_size      images per model run (1...1024); <= 0: 16. Larger inputs are run in chunks of it.
 *   resize, crop    shorter side after resizing and center-crop side in pixels; <= 0: the model's.
 *   mean, std       3 floats each (R, G, B on the [0, 1] scale); NULL: the model's.
 *   embeddings      nonzero: also compute each image's pooled features (bv_results_embeddings).
 *   labels          the class names, separated by '\n', one per output of the head; NULL: ImageNet's
 *                   names for a 1000-class head, else "class_0", "class_1", ... A count that differs
 *                   from the head's is an error.
 *   calibration     with "int8": the file `batchvision calibrate` wrote for these weights; NULL otherwise.
 *
 * Returns NULL on failure (unknown model, missing weights, bad option); see bv_last_error().
 */
bv_classifier *bv_classifier_create(const char *model, const char *weights, int random_weights, int threads,
                                    const char *precision, int batch_size, int resize, int crop,
                                    const float *mean, const float *std, int embeddings, const char *labels,
                                    const char *calibration);

/* Frees a classifier. NULL is ignored. Do not call while another thread uses it. */
void bv_classifier_destroy(bv_classifier *classifier);

/* The number of classes (length of each logits row), or -1 when classifier is NULL. */
int bv_classifier_class_count(const bv_classifier *classifier);

/*
 * Classifies `count` ENCODED images (JPEG, PNG or WebP file contents; decoded by the engine,
 * pixel-identical to Pillow). data[i] points at sizes[i] bytes; the caller keeps them alive
 * during the call.
 *
 *   top_k           classes per image (clamped to 1...class count).
 *   include_logits  nonzero: keep each image's raw logits (bv_results_logits).
 *
 * Returns NULL only when the call itself fails (NULL arguments, the model failing); undecodable
 * images get an error string instead.
 */
bv_results *bv_classify_encoded(bv_classifier *classifier, const uint8_t *const *data, const size_t *sizes,
                                size_t count, int top_k, int include_logits);

/*
 * Classifies `count` DECODED images: pixels[i] holds heights[i] * widths[i] * 3 bytes, 8-bit RGB,
 * rows top to bottom, pixels interleaved R G B (HWC, C-contiguous; a numpy uint8 array of shape
 * (H, W, 3)). Otherwise as bv_classify_encoded.
 */
bv_results *bv_classify_decoded(bv_classifier *classifier, const uint8_t *const *pixels, const int32_t *heights,
                                const int32_t *widths, size_t count, int top_k, int include_logits);

/* The number of images (= the count passed to the classify call). */
size_t bv_results_count(const bv_results *results);

/* k: the number of candidates per image (the clamped top_k). */
int bv_results_top_k(const bv_results *results);

/* count * k class indices, image-major, best first; -1 for images that failed. */
const int32_t *bv_results_indices(const bv_results *results);

/* count * k softmax probabilities (float32, as PyTorch computes them); NaN for images that failed. */
const float *bv_results_probabilities(const bv_results *results);

/* count * k class names; NULL entries for images that failed. */
const char *const *bv_results_labels(const bv_results *results);

/* count error messages: NULL where the image succeeded. */
const char *const *bv_results_errors(const bv_results *results);

/* count * class_count logits (zeros for failed images), or NULL when not asked for. */
const float *bv_results_logits(const bv_results *results);

/* (count, bv_classifier_feature_count) float32 embeddings: the pooled features the classifier head
   reads, 0 for failed images; NULL unless the classifier was created with embeddings. */
const float *bv_results_embeddings(const bv_results *results);

/* The length of each image's embedding; 0 when the classifier was created without embeddings. */
int bv_classifier_feature_count(const bv_classifier *classifier);

/* The output schema every BatchVision row follows (the Parquet/CSV/JSONL files of `batchvision
   classify` and the Python package's tables), as JSON: {"columns": [{"name", "type", "nullable",
   "extra", "summary"}...], "metadata_keys": [...]}. `extras` is a bit set of optional column groups:
   1 true_label/true_index, 2 logits, 4 embedding. The string is static. */
const char *bv_output_schema(int extras);

/* Frees results and every pointer read from them. NULL is ignored. */
void bv_results_free(bv_results *results);

#ifdef __cplusplus
}
#endif

#endif /* BATCHVISION_H */
