// options.hpp - what a lock handle is configured with (fl_options behind the C API).
#pragma once

#include <cstdint>
#include <string>

namespace filelock {

struct Options {
    int64_t timeout_ms = 30000;      // FL_WAIT_DEFAULT resolves to this
    int64_t poll_interval_ms = 500;  // cap of the waiting backoff
    bool shared = false;
    bool remove_on_release = true;
    uint32_t create_mode = 0644;     // open(2) mode (umask applies)
    bool mode_explicit = false;      // fchmod to create_mode after locking
    std::string tag;                 // record `tag=`
    std::string lock_dir;            // "" = beside the target
};

// Validation shared by the C setters and the config loader.  Each returns
// FL_OK or FL_EINVAL with the last-error message set.
int check_timeout_ms(int64_t timeout_ms);
int check_poll_interval_ms(int64_t interval_ms);
int check_file_mode(int64_t mode);
int check_tag(const std::string &tag);

} // namespace filelock
