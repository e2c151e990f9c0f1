// Per-thread scratch memory, so the hot path allocates nothing once a thread has warmed up.
//
// The pipeline preprocesses on several threads at once; each keeps one block (freed when the thread
// exits). Requests above a cap are served by a one-off allocation instead, so a single huge resize does
// not pin its memory to the thread forever.
#include <pthread.h>
#include <stdlib.h>

#include "resample_internal.h"

enum { KEEP_LIMIT = 8 << 20, ALIGNMENT = 64 };

typedef struct thread_block {
    size_t size;
    uint8_t *data;
} thread_block;

static pthread_key_t block_key;
static pthread_once_t block_key_once = PTHREAD_ONCE_INIT;

static void free_block(void *pointer) {
    thread_block *block = pointer;
    free(block->data);
    free(block);
}

static void make_block_key(void) { pthread_key_create(&block_key, free_block); }

static uint8_t *aligned_bytes(size_t bytes) {
    size_t rounded = (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    return aligned_alloc(ALIGNMENT, rounded == 0 ? ALIGNMENT : rounded);
}

bv_scratch bv_scratch_acquire(size_t bytes) {
    if (bytes > KEEP_LIMIT) {
        return (bv_scratch){aligned_bytes(bytes), 1};
    }
    pthread_once(&block_key_once, make_block_key);
    thread_block *block = pthread_getspecific(block_key);
    if (block == NULL) {
        block = calloc(1, sizeof *block);
        if (block == NULL || pthread_setspecific(block_key, block) != 0) {
            free(block);
            return (bv_scratch){aligned_bytes(bytes), 1};
        }
    }
    if (block->size < bytes) {
        free(block->data);
        block->data = aligned_bytes(bytes);
        block->size = block->data == NULL ? 0 : bytes;
    }
    return (bv_scratch){block->data, 0};
}

void bv_scratch_release(bv_scratch scratch) {
    if (scratch.owned) {
        free(scratch.data);
    }
}
