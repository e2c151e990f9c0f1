// oneDNN 2.6 C API (Debian libdnnl-dev), plus the two OpenMP entry points DNNLBackend needs.
//
// Debian builds libdnnl with DNNL_CPU_RUNTIME == DNNL_RUNTIME_OMP (GNU libgomp), so the thread count is
// the OpenMP one. omp.h lives in GCC's private include folder, which clang does not search; the
// declarations below are the stable libgomp ABI.
#pragma once
#include <oneapi/dnnl/dnnl.h>

void omp_set_num_threads(int num_threads);
int omp_get_max_threads(void);
