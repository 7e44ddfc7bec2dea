// capi_config.cpp - fl_config_*: the YAML `file_locking:` section behind an
// opaque handle.  All parsing and validation lives in src/config.cpp.
#include <cstdlib>
#include <cstring>

#include "guard.hpp"
#include "handles.hpp"

using filelock::Config;
using filelock::fail;
using filelock::capi::guard;
using filelock::capi::invalid;
using filelock::capi::kConfigMagic;
using filelock::capi::valid;

static_assert(FL_CONFIG_IGNORE_ENV == filelock::kConfigIgnoreEnv);

namespace {

// Shared tail of the three constructors: load into a fresh Config, hand out
// a handle only on success (*out stays NULL on any failure).
template <class Load>
int make_config(fl_config **out, Load &&load)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        Config c;
        int rc = load(c);
        if (rc != FL_OK) return rc;
        *out = new fl_config{kConfigMagic, std::move(c)};
        return FL_OK;
    });
}

} // namespace

extern "C" {

FL_API int fl_config_new(fl_config **out, uint32_t flags)
{
    return make_config(out, [&](Config &c) -> int {
        if (flags & ~FL_CONFIG_IGNORE_ENV) return invalid("unknown fl_config flags");
        return (flags & FL_CONFIG_IGNORE_ENV) ? FL_OK : filelock::config_apply_env(&c);
    });
}

FL_API int fl_config_load_file(fl_config **out, const char *path, uint32_t flags)
{
    return make_config(out, [&](Config &c) -> int {
        if (!path) return invalid("path is NULL");
        return filelock::config_load_file(path, flags, &c);
    });
}

FL_API int fl_config_load_string(fl_config **out, const char *yaml, const char *name,
                                 uint32_t flags)
{
    return make_config(out, [&](Config &c) -> int {
        if (!yaml) return invalid("yaml is NULL");
        return filelock::config_load_string(yaml, name ? name : "<string>", flags, &c);
    });
}

FL_API void fl_config_free(fl_config *cfg)
{
    filelock::capi::destroy_handle(cfg, kConfigMagic);
}

FL_API int fl_config_set(fl_config *cfg, const char *key, const char *value)
{
    return filelock::capi::with_handle(cfg, kConfigMagic, "fl_config", [&](auto &) -> int {
        if (!key || !value) return invalid("key or value is NULL");
        return filelock::config_set(&cfg->c, key, value);
    });
}

FL_API int fl_config_get(const fl_config *cfg, const char *key, char **out)
{
    return filelock::capi::with_handle(cfg, kConfigMagic, "fl_config", [&](auto &) -> int {
        if (!key || !out) return invalid("key or out is NULL");
        *out = nullptr;
        std::string text;
        int rc = filelock::config_get(cfg->c, key, &text);
        if (rc != FL_OK) return rc;
        return filelock::capi::copy_out(text, out);
    });
}

FL_API int fl_config_get_ms(const fl_config *cfg, const char *key, int64_t *out)
{
    return filelock::capi::with_handle(cfg, kConfigMagic, "fl_config", [&](auto &) -> int {
        if (!key || !out) return invalid("key or out is NULL");
        return filelock::config_get_ms(cfg->c, key, out);
    });
}

FL_API int fl_config_get_bool(const fl_config *cfg, const char *key, int *out)
{
    return filelock::capi::with_handle(cfg, kConfigMagic, "fl_config", [&](auto &) -> int {
        if (!key || !out) return invalid("key or out is NULL");
        bool b = false;
        int rc = filelock::config_get_bool(cfg->c, key, &b);
        if (rc == FL_OK) *out = b ? 1 : 0;
        return rc;
    });
}

FL_API int fl_parse_seconds(const char *text, int allow_inf, int64_t *out_ms)
{
    return guard([&]() -> int {
        if (!text || !out_ms) return invalid("text or out_ms is NULL");
        return filelock::parse_seconds(text, allow_inf != 0, out_ms);
    });
}

FL_API int fl_config_make_options(const fl_config *cfg, fl_options **out)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        if (!valid(cfg, kConfigMagic)) return invalid("invalid fl_config handle");
        *out = new fl_options{filelock::capi::kOptionsMagic, cfg->c.to_options()};
        return FL_OK;
    });
}

} // extern "C"
