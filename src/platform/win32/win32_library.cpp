// win32_library.cpp - libraries loaded on first use, by LoadLibraryW.
#include "win32_detail.hpp"

namespace filelock::platform {

void *load_library(const char *name, std::string *err)
{
    std::wstring w;
    HMODULE m = detail::to_wide(name, &w) ? LoadLibraryW(w.c_str()) : nullptr;
    if (!m && err) *err = std::string("cannot load ") + name + ": " + os_error_text(static_cast<int>(GetLastError()));
    return reinterpret_cast<void *>(m);
}

void *library_symbol(void *lib, const char *symbol)
{
    return reinterpret_cast<void *>(GetProcAddress(static_cast<HMODULE>(lib), symbol));
}

} // namespace filelock::platform
