#include "options.hpp"

#include "error.hpp"
#include "filelock.h"
#include "platform/platform.hpp"

namespace filelock {

int check_timeout_ms(int64_t timeout_ms)
{
    if (timeout_ms < 0 && timeout_ms != FL_WAIT_FOREVER)
        return fail(FL_EINVAL, "timeout must be >= 0 ms or FL_WAIT_FOREVER, got " +
                                   std::to_string(timeout_ms));
    return FL_OK;
}

int check_poll_interval_ms(int64_t interval_ms)
{
    if (interval_ms < 1 || interval_ms > 3600000)
        return fail(FL_EINVAL, "poll interval must be 1 .. 3600000 ms, got " +
                                   std::to_string(interval_ms));
    return FL_OK;
}

int check_file_mode(int64_t mode)
{
    if (mode < 0 || mode > 07777)
        return fail(FL_EINVAL, "file mode must be 0 .. 07777, got " + std::to_string(mode));
    return FL_OK;
}

int check_tag(const std::string &tag)
{
    if (tag.size() > 256)
        return fail(FL_EINVAL, "tag is longer than 256 bytes");
    for (unsigned char c : tag)
        if (c < 0x20 || c == 0x7f)
            return fail(FL_EINVAL, "tag contains a control character (newline, NUL, ...)");
    return FL_OK;
}

int check_threshold_ms(int64_t threshold_ms)
{
    if (threshold_ms < 0) return fail(FL_EINVAL, "threshold_ms must be >= 0");
    return FL_OK;
}

int check_lease_ttl_ms(int64_t ttl_ms)
{
    if (ttl_ms < 1000 || ttl_ms > 86400000)
        return fail(FL_EINVAL, "lease TTL must be 1 s .. 1 day (etcd counts whole seconds), got " +
                                   std::to_string(ttl_ms) + " ms");
    return FL_OK;
}

std::string normalise_dir(std::string dir)
{
    while (dir.size() > 1 && platform::is_separator(dir.back())) dir.pop_back();
    return dir;
}

} // namespace filelock
