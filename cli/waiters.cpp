// waiters.cpp - blocked flock(2) requests from /proc/locks (Linux).
#include "waiters.hpp"

#if defined(__linux__)
#include <sys/stat.h>
#include <sys/sysmacros.h>
#endif

#include <cstdio>
#include <fstream>
#include <sstream>

namespace flcli {

Waiters::Waiters()
{
#if defined(__linux__)
    // "1: -> FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF": a request blocked
    // behind lock 1; the device is major:minor in hex, then the inode.
    std::ifstream in("/proc/locks");
    if (!in) return;
    known_ = true;
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string id, arrow, type;
        if (!(words >> id >> arrow) || arrow != "->") continue;
        std::string mode, access, pid, dev;
        if (!(words >> type >> mode >> access >> pid >> dev) || type != "FLOCK") continue;
        unsigned major = 0, minor = 0;
        unsigned long long inode = 0;
        if (std::sscanf(dev.c_str(), "%x:%x:%llu", &major, &minor, &inode) != 3) continue;
        ++waiting_[{major, minor, inode}];
    }
#endif
}

int Waiters::count(const std::string &path) const
{
#if !defined(__linux__)
    (void)path;
    return 0;  // known() is false: nothing was read
#else
    struct stat st;
    if (!known_ || ::lstat(path.c_str(), &st) != 0) return 0;
    auto it = waiting_.find({major(st.st_dev), minor(st.st_dev), static_cast<uint64_t>(st.st_ino)});
    return it == waiting_.end() ? 0 : it->second;
#endif
}

} // namespace flcli
