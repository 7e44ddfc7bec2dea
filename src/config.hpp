// config.hpp - the `file_locking:` section of a YAML config file (the seed's
// keys, plus what the library now offers), with its defaults and sources:
// built-in defaults < file < FILELOCK_* environment < explicit arguments.
#pragma once

#include <cstdint>
#include <string>

#include "options.hpp"

namespace filelock {

struct Config {
    // The original system's keys and defaults.
    bool enabled = true;                 // false: run work without locking
    int64_t timeout_ms = 30000;          // timeout_seconds: one acquisition's wait
    int64_t retry_attempts = 3;          // further attempts after a timeout
    int64_t retry_delay_ms = 2000;       // retry_delay_seconds
    bool cleanup_stale_locks = true;     // clean stale locks once at batch/CLI start
    int64_t stale_threshold_ms = 3600000;  // stale_threshold_hours
    // What the library adds.
    int64_t poll_interval_ms = 500;      // poll_interval_seconds
    bool remove_lock_files = true;       // remove vs keep lock files on release
    uint32_t lock_file_mode = 0644;      // lock_file_mode (octal)
    bool lock_file_mode_set = false;
    std::string lock_directory;          // "" = beside each target
    bool shared = false;                 // shared (read) locks
    std::string tag;                     // label written to records

    // Lock options carrying this config's lock settings.
    Options to_options() const;
};

} // namespace filelock
