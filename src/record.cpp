#include "record.hpp"

#include <charconv>

#include "platform/platform.hpp"

namespace filelock {

namespace {

bool parse_int(std::string_view s, int64_t *out)
{
    if (s.empty() || s.size() > 20) return false;
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return false;
    *out = v;
    return true;
}

Record invalid(std::string problem)
{
    Record r;
    r.problem = std::move(problem);
    return r;
}

} // namespace

Record make_own_record(const std::string &tag, const std::string &target)
{
    Record r;
    r.pid = platform::current_pid();
    r.host = platform::host_name();
    r.boot = platform::boot_id();
    r.pidns = platform::pid_namespace();
    r.start = platform::self_start_token();
    r.acquired_ms = platform::realtime_ms();
    r.tag = tag;
    r.target = target;
    r.valid = true;
    return r;
}

std::string format_record(const Record &r)
{
    std::string s;
    s.reserve(160 + r.host.size() + r.tag.size() + r.target.size());
    s += std::to_string(r.pid);
    s += "\nv=1\n";
    if (!r.host.empty()) s.append("host=").append(r.host).append("\n");
    if (!r.boot.empty()) s.append("boot=").append(r.boot).append("\n");
    if (!r.pidns.empty()) s.append("pidns=").append(r.pidns).append("\n");
    if (r.start >= 0) s.append("start=").append(std::to_string(r.start)).append("\n");
    if (r.acquired_ms >= 0) s.append("acquired=").append(std::to_string(r.acquired_ms)).append("\n");
    if (!r.tag.empty()) s.append("tag=").append(r.tag).append("\n");
    if (!r.target.empty()) s.append("target=").append(r.target).append("\n");
    if (s.size() > kMaxRecordBytes) s.resize(kMaxRecordBytes);
    return s;
}

Record parse_record(std::string_view text)
{
    if (text.size() > kMaxRecordBytes) return invalid("oversized record (more than 4096 bytes)");
    if (text.empty()) return invalid("empty record");
    if (text.find('\0') != std::string_view::npos) return invalid("record contains NUL bytes");

    Record r;
    size_t pos = 0;
    bool first = true;
    while (pos < text.size()) {
        size_t eol = text.find('\n', pos);
        std::string_view line = text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
        pos = (eol == std::string_view::npos) ? text.size() : eol + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        if (first) {
            first = false;
            while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
            int64_t pid = 0;
            if (!parse_int(line, &pid)) return invalid("first line is not a decimal PID");
            if (pid < 1 || pid > kMaxPid)
                return invalid("PID " + std::string(line) + " is outside 1 .. 2^31-1");
            r.pid = pid;
            continue;
        }
        if (line.empty()) continue;
        size_t eq = line.find('=');
        if (eq == std::string_view::npos) return invalid("line without '=' after the PID");
        std::string_view key = line.substr(0, eq), val = line.substr(eq + 1);
        if (key == "v") {
            int64_t v = 0;
            if (!parse_int(val, &v) || v < 1) return invalid("bad version line");
        } else if (key == "host") {
            r.host.assign(val);
        } else if (key == "boot") {
            r.boot.assign(val);
        } else if (key == "pidns") {
            r.pidns.assign(val);
        } else if (key == "start") {
            if (!parse_int(val, &r.start) || r.start < 0) return invalid("bad start= value");
        } else if (key == "acquired") {
            if (!parse_int(val, &r.acquired_ms) || r.acquired_ms < 0)
                return invalid("bad acquired= value");
        } else if (key == "tag") {
            r.tag.assign(val);
        } else if (key == "target") {
            r.target.assign(val);
        }
        // Unknown keys are ignored (PROTOCOL D).
    }
    r.valid = true;
    return r;
}

} // namespace filelock
