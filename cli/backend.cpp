// backend.cpp - `--backend URL` (backend.hpp).
#include "backend.hpp"

namespace flcli {

void add_backend_option(CLI::App *sub, std::string *dest)
{
    sub->add_option("--backend", *dest,
                    "Where locks live: 'file' (lock files, the default) or "
                    "etcd://HOST:PORT[,HOST:PORT...]/PREFIX (default: the backend key)")
        ->type_name("URL");
}

int apply_backend(Context &ctx, const std::string &flag, std::string *effective)
{
    if (!flag.empty())
        if (int rc = ctx.cfg.set("backend", flag, "--backend"); rc != kExitOk) return rc;
    *effective = ctx.cfg.value("backend").value_or("");
    return kExitOk;
}

} // namespace flcli
