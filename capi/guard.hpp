// guard.hpp - the one exception guard every exported function runs in: no
// exception crosses the C boundary; each becomes a code and a message.
#pragma once

#include <new>
#include <stdexcept>
#include <string>

#include "error.hpp"
#include "filelock.h"

namespace filelock::capi {

template <class F>
int guard(F &&body) noexcept
{
    try {
        clear_error();
        return body();
    } catch (const std::bad_alloc &) {
        return fail(FL_ENOMEM, "out of memory");
    } catch (const std::exception &e) {
        try {
            return fail(FL_EINTERNAL, std::string("internal error: ") + e.what());
        } catch (...) {
            return FL_EINTERNAL;
        }
    } catch (...) {
        return FL_EINTERNAL;
    }
}

// Argument checks that read as sentences at the call site.
inline int invalid(const char *what)
{
    return fail(FL_EINVAL, what);
}

} // namespace filelock::capi
