int bv_kernels_placeholder(void) { return 0; }
