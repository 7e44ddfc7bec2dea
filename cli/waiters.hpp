// waiters.hpp - how many processes wait for each lock file, where the OS
// tells: Linux lists blocked flock(2) requests in /proc/locks ("->" lines).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>

namespace flcli {

class Waiters {
public:
    // Reads the OS's list once; known() is false where there is none.
    Waiters();
    bool known() const { return known_; }
    // Waiters for the file at `path` (0 when none or unknown).
    int count(const std::string &path) const;

private:
    bool known_ = false;
    std::map<std::tuple<unsigned, unsigned, uint64_t>, int> waiting_;  // (major, minor, inode)
};

} // namespace flcli
