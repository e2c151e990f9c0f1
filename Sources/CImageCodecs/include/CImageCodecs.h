#pragma once
int bv_codecs_placeholder(void);
