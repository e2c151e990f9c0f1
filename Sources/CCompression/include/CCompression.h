// CCompression: the zstd and snappy C APIs as Debian ships them (libzstd-dev, libsnappy-dev).
//
// Only PredictionSinks/Compression.swift calls these; it checks every status.
#ifndef CCOMPRESSION_H
#define CCOMPRESSION_H

#include <zstd.h>
#include <snappy-c.h>

#endif
