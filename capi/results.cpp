// results.cpp - every public result struct, built from core results one
// way: a box derives from the public struct and owns its strings and
// arrays, so the free function casts back (static_cast from base to
// derived) and one delete releases everything.
#include "results.hpp"

#include <memory>
#include <string>
#include <vector>

namespace filelock::capi {

namespace {

// Deriving from the public struct makes the cast back in the free function
// well-defined (static_cast from base to derived).
struct InfoBox : fl_lock_info {
    InfoBox() : fl_lock_info{} {}
    std::string lock_path_s, target_path_s, host_s, boot_s, tag_s, reason_s, kind_s;
};

struct ErrorBox : fl_scan_error {
    ErrorBox() : fl_scan_error{} {}
    std::string path_s, message_s;
};

// The lock infos and errors of a list or report, owned.
struct Items {
    std::vector<fl_lock_info *> infos;
    std::vector<fl_scan_error *> errors;

    Items() = default;
    Items(const Items &) = delete;
    Items &operator=(const Items &) = delete;
    ~Items()
    {
        for (fl_lock_info *i : infos) free_lock_info(i);
        for (fl_scan_error *e : errors) free_scan_error(e);
    }

    // reserve() first, so that a failed allocation leaves nothing unowned.
    void add(const std::vector<LockInfo> &src)
    {
        infos.reserve(src.size());
        for (const LockInfo &i : src) infos.push_back(new_lock_info(i));
    }
    void add(const std::vector<ScanError> &src)
    {
        errors.reserve(src.size());
        for (const ScanError &e : src) errors.push_back(new_scan_error(e.path, e.message, e.code));
    }
};

struct ListBox : fl_lock_list {
    ListBox() : fl_lock_list{} {}
    Items items_;
};

struct ReportBox : fl_clean_report {
    ReportBox() : fl_clean_report{} {}
    Items items_;
};

struct FileBox : fl_file_result {
    FileBox() : fl_file_result{} {}
    std::string path_s, message_s;
};

struct ResultsBox : fl_batch_results {
    ResultsBox() : fl_batch_results{} {}
    std::vector<fl_file_result *> items_;
    ~ResultsBox()
    {
        for (fl_file_result *r : items_) free_file_result(r);
    }
};

} // namespace

fl_lock_info *new_lock_info(const LockInfo &info)
{
    auto *box = new InfoBox();
    box->lock_path_s = info.lock_path;
    box->target_path_s = info.target_path;
    box->host_s = info.record.host;
    box->boot_s = info.record.boot;
    box->tag_s = info.record.tag;
    box->reason_s = info.reason;
    fl_lock_info &p = *box;
    p.struct_size = sizeof(fl_lock_info);
    p.lock_path = box->lock_path_s.c_str();
    p.target_path = box->target_path_s.c_str();
    p.pid = info.record.valid ? info.record.pid : 0;
    p.host = box->host_s.c_str();
    p.boot_id = box->boot_s.c_str();
    p.start_token = info.record.valid ? info.record.start : -1;
    p.acquired_ms = info.acquired_ms;
    p.age_ms = info.age_ms;
    p.held = info.held;
    p.holder = static_cast<int32_t>(info.verdict.holder);
    p.stale = info.stale ? 1 : 0;
    p.record_valid = info.record.valid ? 1 : 0;
    p.tag = box->tag_s.c_str();
    p.reason = box->reason_s.c_str();
    p.size_bytes = info.stat.size_bytes;
    p.foreign = info.foreign ? 1 : 0;
    box->kind_s = info.stat.kind.empty() ? "regular file" : info.stat.kind;
    p.kind = box->kind_s.c_str();
    p.other_host = info.verdict.other_host ? 1 : 0;
    p.fencing_token = info.fencing_token;
    p.lease_ttl_ms = info.lease_ttl_ms;
    return box;
}

void free_lock_info(fl_lock_info *info)
{
    delete static_cast<InfoBox *>(info);
}

fl_scan_error *new_scan_error(const std::string &path, const std::string &message, int code)
{
    auto *box = new ErrorBox();
    box->path_s = path;
    box->message_s = message;
    box->struct_size = sizeof(fl_scan_error);
    box->path = box->path_s.c_str();
    box->message = box->message_s.c_str();
    box->code = code;
    return box;
}

void free_scan_error(fl_scan_error *e)
{
    delete static_cast<ErrorBox *>(e);
}

fl_lock_list *new_lock_list(const ScanResult &scan)
{
    auto box = std::make_unique<ListBox>();
    box->items_.add(scan.locks);
    box->items_.add(scan.errors);
    box->struct_size = sizeof(fl_lock_list);
    box->items = box->items_.infos.data();
    box->count = box->items_.infos.size();
    box->errors = box->items_.errors.data();
    box->error_count = box->items_.errors.size();
    return box.release();
}

void free_lock_list(fl_lock_list *list)
{
    delete static_cast<ListBox *>(list);
}

fl_clean_report *new_clean_report(const CleanReport &report)
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

void free_clean_report(fl_clean_report *report)
{
    delete static_cast<ReportBox *>(report);
}

fl_file_result *new_file_result(FileResult &&r)
{
    auto box = std::make_unique<FileBox>();
    box->path_s = std::move(r.path);
    box->message_s = std::move(r.message);
    box->struct_size = sizeof(fl_file_result);
    box->path = box->path_s.c_str();
    box->status = r.status;
    box->code = r.code;
    box->attempts = r.attempts;
    box->lock_wait_us = r.lock_wait_us;
    box->process_us = r.process_us;
    box->message = box->message_s.c_str();
    return box.release();
}

void free_file_result(fl_file_result *result)
{
    delete static_cast<FileBox *>(result);
}

fl_batch_results *new_batch_results(BatchResults &&res)
{
    auto box = std::make_unique<ResultsBox>();
    box->items_.reserve(res.items.size());
    for (FileResult &r : res.items) box->items_.push_back(new_file_result(std::move(r)));
    box->struct_size = sizeof(fl_batch_results);
    box->items = box->items_.data();
    box->count = box->items_.size();
    box->done = res.done;
    box->failed = res.failed;
    box->locked_out = res.locked_out;
    box->skipped = res.skipped;
    box->cancelled = res.cancelled;
    box->errors = res.errors;
    box->wall_us = res.wall_us;
    return box.release();
}

void free_batch_results(fl_batch_results *results)
{
    delete static_cast<ResultsBox *>(results);
}

} // namespace filelock::capi
