int bv_codecs_placeholder(void) { return 0; }
