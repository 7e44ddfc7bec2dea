// posix_library.cpp - shared libraries loaded on first use, with dlopen(3):
// a backend's dependency (libcurl for etcd) costs nothing to a program that
// never uses the backend.
#include "platform.hpp"

#include <dlfcn.h>

namespace filelock::platform {

void *load_library(const char *name, std::string *err)
{
    void *lib = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!lib && err) {
        const char *e = ::dlerror();
        *err = e ? e : "dlopen failed";
    }
    return lib;
}

void *library_symbol(void *lib, const char *symbol)
{
    return ::dlsym(lib, symbol);
}

} // namespace filelock::platform
