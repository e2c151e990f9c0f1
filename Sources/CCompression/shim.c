// SwiftPM needs one C source per C target; the APIs themselves are in the headers.
#include "CCompression.h"
