#include "convert.hpp"

#include <string>

namespace filelock::capi {

namespace {

struct InfoBox {
    fl_lock_info pub{};
    std::string lock_path, target_path, host, boot, tag, reason;
};

struct ErrorBox {
    fl_scan_error pub{};
    std::string path, message;
};

} // namespace

fl_lock_info *new_lock_info(const LockInfo &info, int64_t)
{
    auto *box = new InfoBox();
    box->lock_path = info.lock_path;
    box->target_path = info.target_path;
    box->host = info.record.host;
    box->boot = info.record.boot;
    box->tag = info.record.tag;
    box->reason = info.reason;
    fl_lock_info &p = box->pub;
    p.struct_size = sizeof(fl_lock_info);
    p.lock_path = box->lock_path.c_str();
    p.target_path = box->target_path.c_str();
    p.pid = info.record.valid ? info.record.pid : 0;
    p.host = box->host.c_str();
    p.boot_id = box->boot.c_str();
    p.start_token = info.record.valid ? info.record.start : -1;
    p.acquired_ms = info.acquired_ms;
    p.age_ms = info.age_ms;
    p.held = info.held;
    p.holder = static_cast<int32_t>(info.verdict.holder);
    p.stale = info.stale ? 1 : 0;
    p.record_valid = info.record.valid ? 1 : 0;
    p.tag = box->tag.c_str();
    p.reason = box->reason.c_str();
    p.size_bytes = info.stat.size_bytes;
    return &box->pub;
}

void free_lock_info(fl_lock_info *info)
{
    delete reinterpret_cast<InfoBox *>(info);  // pub is the first member
}

fl_scan_error *new_scan_error(const std::string &path, const std::string &message, int code)
{
    auto *box = new ErrorBox();
    box->path = path;
    box->message = message;
    box->pub.struct_size = sizeof(fl_scan_error);
    box->pub.path = box->path.c_str();
    box->pub.message = box->message.c_str();
    box->pub.code = code;
    return &box->pub;
}

void free_scan_error(fl_scan_error *e)
{
    delete reinterpret_cast<ErrorBox *>(e);
}

} // namespace filelock::capi
