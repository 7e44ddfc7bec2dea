// capi_errors.cpp - error texts, the per-thread message, fl_free, version.
#include <cstdlib>

#include "error.hpp"
#include "filelock.h"

extern "C" {

FL_API const char *fl_strerror(int code)
{
    switch (code) {
#define FL_STRERROR_CASE_(name, value, text) \
    case value: return text;
        FL_ERROR_LIST(FL_STRERROR_CASE_)
#undef FL_STRERROR_CASE_
    default: return "unknown error";
    }
}

FL_API int fl_last_os_error(void)
{
    return filelock::last_os_error();
}

FL_API const char *fl_last_error_message(void)
{
    return filelock::last_error().c_str();
}

FL_API void fl_free(void *p)
{
    std::free(p);
}

FL_API int fl_version_number(void)
{
    return FL_LIB_VERSION_NUMBER;
}

FL_API const char *fl_version_string(void)
{
    return FL_LIB_VERSION_STRING;
}

} // extern "C"
