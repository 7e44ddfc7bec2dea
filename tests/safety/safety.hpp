// safety.hpp - what the safety tests share beyond tests/support: the helper
// programs' paths and short names for the handle owners of filelock.hpp.
#pragma once

#include <memory>
#include <string>

#include "filelock.hpp"
#include "process.hpp"

namespace filelock::test {

extern std::string g_locker;   // helper programs, from the command line
extern std::string g_swapper;

using OptionsPtr = fl::options_ptr;
using LockPtr = fl::lock_ptr;

inline OptionsPtr make_options()
{
    return fl::make_options();
}

inline LockPtr make_lock(const std::string &target, const fl_options *o = nullptr)
{
    return fl::make_lock(target, o);
}

} // namespace filelock::test
