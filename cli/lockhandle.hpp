// lockhandle.hpp - the owners run, wait and info use (from filelock.hpp),
// and lock options from the configuration.
#pragma once

#include "context.hpp"
#include "filelock.hpp"

namespace flcli {

using OptionsPtr = fl::options_ptr;
using LockPtr = fl::lock_ptr;

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
