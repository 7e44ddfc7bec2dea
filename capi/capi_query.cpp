// capi_query.cpp - read-only questions: locked?, holder, liveness, stale, info.
#include "guard.hpp"
#include "handles.hpp"
#include "results.hpp"
#include "liveness.hpp"
#include "file/stale.hpp"
#include "engine.hpp"
#include "file/query.hpp"

using filelock::fail;
using filelock::capi::guard;
using filelock::capi::invalid;

namespace {

int backend_of(const char *target, const fl_options *opts, const filelock::Backend **out)
{
    if (!target) return invalid("target_path is NULL");
    if (opts && !filelock::capi::valid(opts, filelock::capi::kOptionsMagic))
        return invalid("invalid fl_options handle");
    return filelock::backend_for(filelock::capi::options_of(opts), out);
}

// inspect_lock() for the single-file entry points.
int inspect_one(const char *lock_path, int64_t threshold_ms, filelock::LockInfo *info)
{
    if (!lock_path) return invalid("lock_path is NULL");
    if (int rc = filelock::check_threshold_ms(threshold_ms); rc != FL_OK) return rc;
    if (int rc = filelock::check_lock_path_query(lock_path); rc != FL_OK) return rc;
    return filelock::inspect_one_lock(lock_path, threshold_ms, info);
}

} // namespace

extern "C" {

FL_API int fl_is_locked(const char *target_path, const fl_options *opts)
{
    return guard([&]() -> int {
        const filelock::Backend *backend = nullptr;
        if (int rc = backend_of(target_path, opts, &backend); rc != FL_OK) return rc;
        return backend->is_locked(target_path, filelock::capi::options_of(opts));
    });
}

FL_API int fl_wait_released(const char *target_path, const fl_options *opts, int64_t timeout_ms)
{
    return guard([&]() -> int {
        const filelock::Backend *backend = nullptr;
        if (int rc = backend_of(target_path, opts, &backend); rc != FL_OK) return rc;
        if (timeout_ms < FL_WAIT_FOREVER) return invalid("timeout_ms must be >= 0 or FL_WAIT_FOREVER");
        return backend->wait_released(target_path, filelock::capi::options_of(opts), timeout_ms);
    });
}

FL_API int fl_holder_pid(const char *lock_path, int64_t *out_pid)
{
    return guard([&]() -> int {
        if (!lock_path || !out_pid) return invalid("lock_path or out_pid is NULL");
        if (int rc = filelock::check_lock_path_query(lock_path); rc != FL_OK) return rc;
        return filelock::holder_pid(lock_path, out_pid);
    });
}

FL_API int fl_process_is_running(int64_t pid)
{
    return guard([&]() -> int {
        return filelock::process_running(pid);
    });
}

FL_API int fl_is_stale(const char *lock_path, int64_t threshold_ms)
{
    return guard([&]() -> int {
        filelock::LockInfo info;
        int rc = inspect_one(lock_path, threshold_ms, &info);
        if (rc != FL_OK) return rc;
        return info.stale ? 1 : 0;
    });
}

FL_API int fl_lock_age_ms(const char *lock_path, int64_t *out_age_ms)
{
    return guard([&]() -> int {
        if (!out_age_ms) return invalid("out_age_ms is NULL");
        filelock::LockInfo info;
        int rc = inspect_one(lock_path, 0, &info);
        if (rc != FL_OK) return rc;
        *out_age_ms = info.age_ms;
        return FL_OK;
    });
}

FL_API int fl_lock_info_read(const char *lock_path, int64_t threshold_ms, fl_lock_info **out)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        filelock::LockInfo info;
        int rc = inspect_one(lock_path, threshold_ms, &info);
        if (rc != FL_OK) return rc;
        *out = filelock::capi::new_lock_info(info);
        return FL_OK;
    });
}

FL_API void fl_lock_info_free(fl_lock_info *info)
{
    if (info) filelock::capi::free_lock_info(info);
}

} // extern "C"
