// memfd_create(2) for Swift: glibc declares it only under _GNU_SOURCE, which the Glibc module
// is not built with, so it is called through syscall(2). Linux only.
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
static inline int rampart_memfd_create(const char *name, unsigned int flags) {
    return (int)syscall(SYS_memfd_create, name, flags);
}
#endif
