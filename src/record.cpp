#include "record.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

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

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_key(std::string_view k)
{
    if (k.empty() || k.size() > 32) return false;
    for (char c : k)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    return true;
}

// "12", " 12 ", "12\r": a decimal PID line.
bool is_pid_line(std::string_view line)
{
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.size() > 19) return false;
    for (char c : line)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string describe_start(std::string_view text)
{
    std::string shown;
    for (char c : text.substr(0, 40)) {
        if (c == '\n') break;
        shown += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) ? '.' : c;
    }
    return "\"" + shown + "\"";
}

Record invalid(std::string problem)
{
    Record r;
    r.problem = std::move(problem);
    return r;
}

} // namespace

std::string percent_escape(std::string_view v, std::string_view also)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(v.size());
    for (unsigned char c : v) {
        if (c < 0x20 || c == 0x7f || c == '%' || also.find(static_cast<char>(c)) != also.npos) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string percent_unescape(std::string_view v)
{
    std::string out;
    out.reserve(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        int hi, lo;
        if (v[i] == '%' && i + 2 < v.size() && (hi = hex_digit(v[i + 1])) >= 0 &&
            (lo = hex_digit(v[i + 2])) >= 0) {
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else {
            out += v[i];
        }
    }
    return out;
}

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
    if (!r.host.empty()) s.append("host=").append(percent_escape(r.host)).append("\n");
    if (!r.boot.empty()) s.append("boot=").append(percent_escape(r.boot)).append("\n");
    if (!r.pidns.empty()) s.append("pidns=").append(percent_escape(r.pidns)).append("\n");
    if (r.start >= 0) s.append("start=").append(std::to_string(r.start)).append("\n");
    if (r.acquired_ms >= 0) s.append("acquired=").append(std::to_string(r.acquired_ms)).append("\n");
    if (!r.tag.empty()) s.append("tag=").append(percent_escape(r.tag)).append("\n");
    if (!r.target.empty()) s.append("target=").append(percent_escape(r.target)).append("\n");
    if (s.size() > kMaxRecordBytes) s.resize(kMaxRecordBytes);
    return s;
}

Record parse_record(std::string_view text)
{
    if (text.size() > kMaxRecordBytes) return invalid("oversized record (more than 4096 bytes)");
    if (text.empty()) return invalid("empty record");
    if (text.find('\0') != std::string_view::npos) return invalid("record contains NUL bytes");

    Record r;
    std::vector<std::string_view> seen;
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
        // First value wins: a crash mid-write leaves the newest record's
        // start followed by an older record's end.
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
        seen.push_back(key);
        if (key == "v") {
            int64_t v = 0;
            if (!parse_int(val, &v) || v < 1) return invalid("bad version line");
        } else if (key == "host") {
            r.host = percent_unescape(val);
        } else if (key == "boot") {
            r.boot = percent_unescape(val);
        } else if (key == "pidns") {
            r.pidns = percent_unescape(val);
        } else if (key == "start") {
            if (!parse_int(val, &r.start) || r.start < 0) return invalid("bad start= value");
        } else if (key == "acquired") {
            if (!parse_int(val, &r.acquired_ms) || r.acquired_ms < 0)
                return invalid("bad acquired= value");
        } else if (key == "tag") {
            r.tag = percent_unescape(val);
        } else if (key == "target") {
            r.target = percent_unescape(val);
        }
        // Unknown keys are ignored (PROTOCOL D).
    }
    r.valid = true;
    return r;
}

bool takeover_allowed(std::string_view text, std::string *what)
{
    if (text.empty()) return true;
    if (text.size() > kMaxRecordBytes) {
        *what = "a file larger than any lock record (" + std::to_string(text.size()) +
                "+ bytes) starting " + describe_start(text);
        return false;
    }
    if (text.find_first_not_of('\0') == std::string_view::npos) return true;
    size_t eol = text.find('\n');
    std::string_view first = text.substr(0, eol);
    if (!is_pid_line(first)) {
        *what = "a file that does not start with a process ID; it starts " + describe_start(text);
        return false;
    }
    // After the PID: key=value lines.  A crash between writing a record and
    // truncating it to length can leave one odd line where the new record
    // ends and the older, longer one goes on; such a record also has v=.
    int odd = 0;
    bool versioned = false;
    size_t pos = eol == std::string_view::npos ? text.size() : eol + 1;
    while (pos < text.size()) {
        size_t e = text.find('\n', pos);
        std::string_view line = text.substr(pos, e == std::string_view::npos ? text.npos : e - pos);
        pos = e == std::string_view::npos ? text.size() : e + 1;
        while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        for (unsigned char c : line)
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                *what = "a file with binary content after a process ID";
                return false;
            }
        if (line.empty()) continue;
        size_t eq = line.find('=');
        if (eq != std::string_view::npos && is_key(line.substr(0, eq))) {
            if (line.substr(0, eq) == "v") versioned = true;
            continue;
        }
        ++odd;
    }
    if (odd == 0 || (odd == 1 && versioned)) return true;
    *what = "a text file that starts with a number but is not a lock record; it starts " +
            describe_start(text);
    return false;
}

} // namespace filelock
