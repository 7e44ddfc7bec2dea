// capi_monitor.cpp - fl_scan_options_*, fl_scan, fl_cleanup_stale_locks,
// fl_remove_if_stale, fl_cleanup_for_targets: argument checks and result mapping over file/scan.hpp
// and cleanup.hpp.
#include <memory>
#include <vector>

#include "file/cleanup.hpp"
#include "convert.hpp"
#include "guard.hpp"
#include "handles.hpp"
#include "file/scan.hpp"

using filelock::capi::guard;
using filelock::capi::invalid;
using filelock::capi::kScanMagic;
using filelock::capi::valid;

struct fl_scan_options {
    uint32_t magic = kScanMagic;
    filelock::ScanOptions o;
};

namespace {

// The public result structs are the bases of boxes that own the arrays and
// every item in them, so one fl_*_free releases all of it.
struct Items {
    std::vector<fl_lock_info *> infos;
    std::vector<fl_scan_error *> errors;

    Items() = default;
    Items(const Items &) = delete;
    Items &operator=(const Items &) = delete;
    ~Items()
    {
        for (fl_lock_info *i : infos) filelock::capi::free_lock_info(i);
        for (fl_scan_error *e : errors) filelock::capi::free_scan_error(e);
    }

    // reserve() first, so that a failed allocation leaves nothing unowned.
    void add(const std::vector<filelock::LockInfo> &src)
    {
        infos.reserve(src.size());
        for (const filelock::LockInfo &i : src)
            infos.push_back(filelock::capi::new_lock_info(i));
    }
    void add(const std::vector<filelock::ScanError> &src)
    {
        errors.reserve(src.size());
        for (const filelock::ScanError &e : src)
            errors.push_back(filelock::capi::new_scan_error(e.path, e.message, e.code));
    }
};

struct ListBox : fl_lock_list {
    Items items_;
};

struct ReportBox : fl_clean_report {
    Items items_;
};

const filelock::ScanOptions &scan_options_of(const fl_scan_options *opts)
{
    static const filelock::ScanOptions defaults;
    return opts ? opts->o : defaults;
}

// The checks fl_scan and fl_cleanup_stale_locks share; *out is NULL after
// any failure.
template <class T>
int check_scan_args(const char *dir, const fl_scan_options *opts, T **out)
{
    if (!out) return invalid("out is NULL");
    *out = nullptr;
    if (!dir || !*dir) return invalid("directory is NULL or empty");
    if (opts && !valid(opts, kScanMagic)) return invalid("invalid fl_scan_options handle");
    return FL_OK;
}

fl_clean_report *new_report(const filelock::CleanReport &report)
{
    auto box = std::make_unique<ReportBox>();
    box->items_.add(report.removed);
    box->items_.add(report.errors);
    box->struct_size = sizeof(fl_clean_report);
    box->count = report.removed.size();
    box->stale_locks = box->items_.infos.data();
    box->stale_count = box->items_.infos.size();
    box->errors = box->items_.errors.data();
    box->error_count = box->items_.errors.size();
    box->dry_run = report.dry_run ? 1 : 0;
    return box.release();
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
        if (max_depth < -1) return invalid("max_depth must be >= 0, or -1 for no limit");
        o.max_depth = max_depth;
        return FL_OK;
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
        if (threshold_ms < 0) return invalid("threshold_ms must be >= 0");
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

FL_API int fl_scan(const char *dir, const fl_scan_options *opts, fl_lock_list **out)
{
    return guard([&]() -> int {
        if (int rc = check_scan_args(dir, opts, out); rc != FL_OK) return rc;
        const filelock::ScanOptions &o = scan_options_of(opts);
        filelock::ScanResult result;
        if (int rc = filelock::scan_locks(dir, o, &result); rc != FL_OK) return rc;
        auto box = std::make_unique<ListBox>();
        box->items_.add(result.locks);
        box->items_.add(result.errors);
        box->struct_size = sizeof(fl_lock_list);
        box->items = box->items_.infos.data();
        box->count = box->items_.infos.size();
        box->errors = box->items_.errors.data();
        box->error_count = box->items_.errors.size();
        *out = box.release();
        return FL_OK;
    });
}

FL_API void fl_lock_list_free(fl_lock_list *list)
{
    delete static_cast<ListBox *>(list);
}

FL_API int fl_cleanup_stale_locks(const char *base_dir, const fl_scan_options *opts,
                                  fl_clean_report **out)
{
    return guard([&]() -> int {
        if (int rc = check_scan_args(base_dir, opts, out); rc != FL_OK) return rc;
        const filelock::ScanOptions &o = scan_options_of(opts);
        filelock::CleanReport report;
        if (int rc = filelock::cleanup_stale_locks(base_dir, o, &report); rc != FL_OK) return rc;
        *out = new_report(report);
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
        if (threshold_ms < 0) return invalid("threshold_ms must be >= 0");
        if (opts && !valid(opts, filelock::capi::kOptionsMagic)) return invalid("invalid fl_options handle");
        std::vector<std::string> list;
        list.reserve(count);
        for (size_t i = 0; i < count; ++i) {
            if (!targets[i]) return invalid("a target is NULL");
            list.emplace_back(targets[i]);
        }
        filelock::CleanReport report;
        filelock::cleanup_for_targets(list, filelock::capi::options_of(opts), threshold_ms, &report);
        *out = new_report(report);
        return FL_OK;
    });
}


FL_API void fl_clean_report_free(fl_clean_report *report)
{
    delete static_cast<ReportBox *>(report);
}

FL_API int fl_remove_if_stale(const char *lock_path, int64_t threshold_ms)
{
    return guard([&]() -> int {
        if (!lock_path || !*lock_path) return invalid("lock_path is NULL or empty");
        if (threshold_ms < 0) return invalid("threshold_ms must be >= 0");
        filelock::LockInfo info;
        return filelock::remove_if_stale(lock_path, threshold_ms, false, &info);
    });
}

} // extern "C"
