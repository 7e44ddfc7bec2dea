// lockview.cpp - presenting one fl_lock_info.
#include "lockview.hpp"

#include <cstddef>
#include <cstring>

namespace flcli {


bool leased(const fl_lock_info &info)
{
    return info.struct_size >= offsetof(fl_lock_info, lease_ttl_ms) + sizeof(info.lease_ttl_ms) &&
           info.fencing_token >= 0;
}

State lock_state(const fl_lock_info &info)
{
    if (leased(info)) return info.held == 1 ? State::Held : State::Waiting;
    if (info.foreign) return State::Unknown;
    if (info.held == 1) return State::Held;
    if (info.stale) return State::Stale;
    if (info.held < 0 || info.holder == FL_HOLDER_UNKNOWN) return State::Unknown;
    return State::Free;
}

const char *state_name(State s)
{
    switch (s) {
    case State::Held: return "held";
    case State::Stale: return "stale";
    case State::Free: return "free";
    case State::Waiting: return "waiting";
    default: return "unknown";
    }
}

const char *state_colour(State s)
{
    switch (s) {
    case State::Held: return sgr::kGreen;
    case State::Stale: return sgr::kRed;
    case State::Free: return nullptr;
    case State::Waiting: return sgr::kYellow;
    default: return sgr::kMagenta;
    }
}

const char *holder_name(int32_t holder)
{
    switch (holder) {
    case FL_HOLDER_ALIVE: return "alive";
    case FL_HOLDER_DEAD: return "dead";
    default: return "unknown";
    }
}

std::string odd_kind(const fl_lock_info &info)
{
    const bool has_kind = info.struct_size >= offsetof(fl_lock_info, kind) + sizeof(info.kind);
    if (!has_kind || !info.kind || std::strcmp(info.kind, "regular file") == 0) return "";
    return info.kind;
}

std::string short_note(const fl_lock_info &info, int64_t threshold_ms)
{
    if (leased(info)) {
        std::string n = "token " + std::to_string(info.fencing_token);
        if (info.lease_ttl_ms >= 0) n += ", lease " + span_text(info.lease_ttl_ms) + " left";
        return n;
    }
    const std::string kind = odd_kind(info);
    if (!kind.empty()) return kind + ", not a lock file";
    if (info.foreign) return "not a lock file (never removed)";
    switch (lock_state(info)) {
    case State::Held:
        return info.holder == FL_HOLDER_DEAD ? "locked now (recorded holder gone)" : "locked now";
    case State::Stale:
        return "holder dead";
    case State::Free:
        if (info.holder == FL_HOLDER_ALIVE) return "holder running, not locked";
        return "holder dead, younger than " + span_text(threshold_ms);
    default:
        if (info.held < 0) return "cannot tell if locked";
        if (!info.record_valid) return "unreadable record";
        if (info.other_host) return "other host";
        return "holder unknown";
    }
}

nlohmann::ordered_json lock_json(const fl_lock_info &info)
{
    using json = nlohmann::ordered_json;
    json j;
    j["lock_file"] = info.lock_path;
    j["target"] = info.target_path;
    j["state"] = state_name(lock_state(info));
    j["pid"] = info.pid > 0 ? json(info.pid) : json(nullptr);
    j["host"] = info.host && *info.host ? json(info.host) : json(nullptr);
    j["age_seconds"] = seconds(info.age_ms);
    j["held"] = info.held < 0 ? json(nullptr) : json(info.held == 1);
    j["holder"] = holder_name(info.holder);
    j["stale"] = info.stale != 0;
    j["reason"] = info.reason;
    j["acquired"] = info.acquired_ms > 0 ? json(iso_time(info.acquired_ms)) : json(nullptr);
    j["acquired_ms"] = info.acquired_ms > 0 ? json(info.acquired_ms) : json(nullptr);
    j["record_valid"] = info.record_valid != 0;
    j["foreign"] = info.foreign != 0;
    j["tag"] = info.tag && *info.tag ? json(info.tag) : json(nullptr);
    j["boot_id"] = info.boot_id && *info.boot_id ? json(info.boot_id) : json(nullptr);
    j["start_token"] = info.start_token >= 0 ? json(info.start_token) : json(nullptr);
    j["size_bytes"] = info.size_bytes;
    const std::string kind = odd_kind(info);
    j["kind"] = kind.empty() ? "regular file" : kind;
    if (leased(info)) {
        j["fencing_token"] = info.fencing_token;
        j["lease_ttl_seconds"] = info.lease_ttl_ms >= 0 ? json(seconds(info.lease_ttl_ms)) : json(nullptr);
    }
    return j;
}

nlohmann::ordered_json error_json(const fl_scan_error &e)
{
    return {{"path", e.path}, {"message", e.message}, {"code", fl_strerror(e.code)}};
}

std::vector<Cell> lock_row(const fl_lock_info &info, int64_t threshold_ms, bool show_lock_file)
{
    const State s = lock_state(info);
    std::vector<Cell> row;
    row.push_back({state_name(s), state_colour(s)});
    row.push_back({info.held < 0 && !info.record_valid ? "-" : human_duration(info.age_ms)});
    row.push_back({info.pid > 0 ? std::to_string(info.pid) : "-"});
    row.push_back({info.host && *info.host ? printable(info.host) : "-"});
    row.push_back({printable(show_lock_file ? info.lock_path : info.target_path)});
    row.push_back({short_note(info, threshold_ms), sgr::kDim});
    return row;
}

} // namespace flcli
