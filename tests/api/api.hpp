// api.hpp - what the 1.1 API suite shares: the locker helper's path, a
// holder process, and option builders over filelock.hpp.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "child.hpp"
#include "filelock.hpp"
#include "process.hpp"

namespace filelock::test {

extern std::string g_locker;

// A real process holding `target` (locker hold ...) until it is destroyed.
inline std::unique_ptr<Child> hold_in_process(const std::string &target,
                                              std::vector<std::string> flags = {})
{
    std::vector<std::string> argv{g_locker, "hold", target};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto c = std::make_unique<Child>(argv);
    std::string line = c->read_line();
    EXPECT_EQ(line.rfind("held ", 0), 0u) << line;
    return c;
}

// fl_acquire(timeout 0) on `target` from a forked child: its return code
// (as a positive exit status: -rc).
inline int try_from_child(const std::string &path, bool explicit_file, bool shared = false)
{
    return in_child([&] {
        auto o = fl::make_options();
        fl_options_set_shared(o.get(), shared);
        auto l = explicit_file ? fl::make_file_lock(path, o.get()) : fl::make_lock(path, o.get());
        return l ? -fl_acquire(l.get(), 0) : 99;
    });
}

} // namespace filelock::test
