// backend.hpp - `--backend URL` on run, wait, status, info and batch: where
// the locks live (lock files, or an etcd cluster), overriding the
// configuration's `backend:` key and FILELOCK_BACKEND.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace flcli {

void add_backend_option(CLI::App *sub, std::string *dest);

// Apply --backend (when given) to the configuration, then set *effective to
// the backend in force ("" for lock files).  Returns an exit code.
int apply_backend(Context &ctx, const std::string &flag, std::string *effective);

inline bool is_file_backend(const std::string &b)
{
    return b.empty() || b == "file";
}

} // namespace flcli
