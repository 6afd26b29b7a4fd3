// The declaration in include/FuzzerDriver.h is all this target is; libFuzzer defines it.
#include "FuzzerDriver.h"
