#include "convert.hpp"

#include <string>

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

} // namespace filelock::capi
