#pragma once
int bv_kernels_placeholder(void);
