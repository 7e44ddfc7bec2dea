// duration.hpp - human-readable durations for messages and the CLI ("3m12s").
#pragma once

#include <cstdint>
#include <string>

namespace filelock {

// "0s", "850ms", "12s", "3m12s", "2h05m", "3d04h".
std::string format_duration_ms(int64_t ms);

} // namespace filelock
