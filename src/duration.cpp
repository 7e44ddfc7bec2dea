#include "duration.hpp"

#include <cstdio>

namespace filelock {

std::string format_duration_ms(int64_t ms)
{
    if (ms < 0) ms = 0;
    char buf[48];
    int64_t s = ms / 1000;
    if (ms < 1000)
        std::snprintf(buf, sizeof buf, "%lldms", static_cast<long long>(ms));
    else if (s < 60)
        std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60),
                      static_cast<long long>(s % 60));
    else if (s < 86400)
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(s / 3600),
                      static_cast<long long>((s % 3600) / 60));
    else
        std::snprintf(buf, sizeof buf, "%lldd%02lldh", static_cast<long long>(s / 86400),
                      static_cast<long long>((s % 86400) / 3600));
    return buf;
}

} // namespace filelock
