// lockhandle.hpp - small RAII owners of library objects used by run, wait
// and info.
#pragma once

#include <memory>

#include "context.hpp"
#include "filelock.h"

namespace flcli {

struct OptionsDeleter {
    void operator()(fl_options *o) const { fl_options_free(o); }
};
using OptionsPtr = std::unique_ptr<fl_options, OptionsDeleter>;

struct LockDeleter {
    void operator()(fl_lock *l) const { fl_lock_free(l); }
};
using LockPtr = std::unique_ptr<fl_lock, LockDeleter>;

// Lock options from the configuration (timeout, poll interval, mode,
// removal, lock directory, tag).  Returns an FL_ code.
inline int options_from_config(const Context &ctx, OptionsPtr *out)
{
    fl_options *o = nullptr;
    int rc = fl_config_make_options(ctx.cfg.get(), &o);
    out->reset(o);
    return rc;
}

} // namespace flcli
