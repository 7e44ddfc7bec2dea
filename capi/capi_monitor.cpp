// capi_monitor.cpp - fl_scan_options_*, fl_scan, fl_cleanup_stale_locks,
// fl_remove_if_stale, fl_cleanup_for_targets: argument checks and result mapping over file/scan.hpp
// and cleanup.hpp.
#include <memory>
#include <vector>

#include "file/cleanup.hpp"
#include "results.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "file/scan.hpp"
#include "engine.hpp"

using filelock::capi::guard;
using filelock::capi::invalid;
using filelock::capi::kScanMagic;
using filelock::capi::valid;

namespace {

const filelock::ScanOptions &scan_options_of(const fl_scan_options *opts)
{
    static const filelock::ScanOptions defaults;
    return opts ? opts->o : defaults;
}

// The checks fl_scan and fl_cleanup_stale_locks share; *out is NULL after
// any failure.
template <class T>
int check_scan_args(const char *dir, const fl_scan_options *opts, T **out, bool empty_ok = false)
{
    if (!out) return invalid("out is NULL");
    *out = nullptr;
    if (!dir || (!*dir && !empty_ok)) return invalid("directory is NULL or empty");
    if (opts && !valid(opts, kScanMagic)) return invalid("invalid fl_scan_options handle");
    return FL_OK;
}

template <class F>
int set_scan_option(fl_scan_options *opts, F &&apply)
{
    return filelock::capi::with_handle(opts, kScanMagic, "fl_scan_options",
                                       [&](fl_scan_options &h) { return apply(h.o); });
}

} // namespace

extern "C" {

FL_API int fl_scan_options_new(fl_scan_options **out)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = new fl_scan_options();
        return FL_OK;
    });
}

FL_API void fl_scan_options_free(fl_scan_options *opts)
{
    filelock::capi::destroy_handle(opts, kScanMagic);
}

FL_API int fl_scan_options_set_recursive(fl_scan_options *opts, int recursive)
{
    return set_scan_option(opts, [&](filelock::ScanOptions &o) -> int {
        o.recursive = recursive != 0;
        return FL_OK;
    });
}

FL_API int fl_scan_options_set_max_depth(fl_scan_options *opts, int max_depth)
{
    return set_scan_option(opts, [&](filelock::ScanOptions &o) -> int {
        int rc = filelock::check_max_depth(max_depth);
        if (rc == FL_OK) o.max_depth = max_depth;
        return rc;
    });
}

FL_API int fl_scan_options_set_cross_filesystems(fl_scan_options *opts, int cross)
{
    return set_scan_option(opts, [&](filelock::ScanOptions &o) -> int {
        o.cross_filesystems = cross != 0;
        return FL_OK;
    });
}

FL_API int fl_scan_options_set_stale_threshold_ms(fl_scan_options *opts, int64_t threshold_ms)
{
    return set_scan_option(opts, [&](filelock::ScanOptions &o) -> int {
        int rc = filelock::check_threshold_ms(threshold_ms);
        if (rc != FL_OK) return rc;
        o.threshold_ms = threshold_ms;
        return FL_OK;
    });
}

FL_API int fl_scan_options_set_dry_run(fl_scan_options *opts, int dry_run)
{
    return set_scan_option(opts, [&](filelock::ScanOptions &o) -> int {
        o.dry_run = dry_run != 0;
        return FL_OK;
    });
}

FL_API int fl_scan_options_set_backend(fl_scan_options *opts, const char *backend)
{
    return set_scan_option(opts, [&](filelock::ScanOptions &o) -> int {
        o.backend = backend ? backend : "";
        return FL_OK;
    });
}

FL_API int fl_scan(const char *dir, const fl_scan_options *opts, fl_lock_list **out)
{
    return guard([&]() -> int {
        // NULL and "" reach the backend as "": all locks for etcd, an error
        // for lock files (which need a directory).
        if (int rc = check_scan_args(dir ? dir : "", opts, out, true); rc != FL_OK) return rc;
        const filelock::ScanOptions &o = scan_options_of(opts);
        const filelock::Backend *backend = nullptr;
        if (int rc = filelock::backend_for(o.backend, &backend); rc != FL_OK) return rc;
        filelock::ScanResult result;
        if (int rc = backend->list(dir ? dir : "", o, &result); rc != FL_OK) return rc;
        *out = filelock::capi::new_lock_list(result);
        return FL_OK;
    });
}

FL_API void fl_lock_list_free(fl_lock_list *list)
{
    filelock::capi::free_lock_list(list);
}

FL_API int fl_cleanup_stale_locks(const char *base_dir, const fl_scan_options *opts,
                                  fl_clean_report **out)
{
    return guard([&]() -> int {
        if (int rc = check_scan_args(base_dir, opts, out); rc != FL_OK) return rc;
        const filelock::ScanOptions &o = scan_options_of(opts);
        filelock::CleanReport report;
        if (int rc = filelock::cleanup_stale_locks(base_dir, o, &report); rc != FL_OK) return rc;
        *out = filelock::capi::new_clean_report(report);
        return FL_OK;
    });
}

FL_API int fl_cleanup_for_targets(const char *const *targets, size_t count, const fl_options *opts,
                                  int64_t threshold_ms, fl_clean_report **out)
{
    return guard([&]() -> int {
        if (!out) return invalid("out is NULL");
        *out = nullptr;
        if (count > 0 && !targets) return invalid("targets is NULL");
        if (int rc = filelock::check_threshold_ms(threshold_ms); rc != FL_OK) return rc;
        if (opts && !valid(opts, filelock::capi::kOptionsMagic)) return invalid("invalid fl_options handle");
        std::vector<std::string> list;
        list.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            if (!targets[i]) return invalid("a target is NULL");
            list.emplace_back(targets[i]);
        }
        filelock::CleanReport report;
        const filelock::Options &o = filelock::capi::options_of(opts);
        const filelock::Backend *backend = nullptr;
        if (int rc = filelock::backend_for(o, &backend); rc != FL_OK) return rc;
        backend->clean_for_targets(list, o, threshold_ms, &report);
        *out = filelock::capi::new_clean_report(report);
        return FL_OK;
    });
}


FL_API void fl_clean_report_free(fl_clean_report *report)
{
    filelock::capi::free_clean_report(report);
}

FL_API int fl_remove_if_stale(const char *lock_path, int64_t threshold_ms)
{
    return guard([&]() -> int {
        if (!lock_path || !*lock_path) return invalid("lock_path is NULL or empty");
        if (int rc = filelock::check_threshold_ms(threshold_ms); rc != FL_OK) return rc;
        filelock::LockInfo info;
        return filelock::remove_if_stale(lock_path, threshold_ms, false, &info);
    });
}

} // extern "C"
