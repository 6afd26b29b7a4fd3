// libFuzzer's entry for programs that have their own main (compiler-rt FuzzerInterface.h):
// SwiftPM names an executable's entry point itself, so the harnesses call this from theirs.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
