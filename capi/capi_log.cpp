// capi_log.cpp - fl_log_*: route library messages to the host.
#include "guard.hpp"
#include "log.hpp"

using filelock::capi::guard;

extern "C" {

FL_API int fl_log_set_callback(fl_log_cb cb, void *user_data)
{
    return guard([&]() -> int {
        filelock::log::set_callback(cb, user_data);
        return FL_OK;
    });
}

FL_API int fl_log_set_level(int level)
{
    return guard([&]() -> int { return filelock::log::set_level(level); });
}

FL_API int fl_log_get_level(void)
{
    return guard([&]() -> int { return filelock::log::level(); });
}

} // extern "C"
