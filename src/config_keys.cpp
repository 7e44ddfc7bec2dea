// config_keys.cpp - the `file_locking:` keys: one table drives how each
// source's values are read (config.cpp loads the sources), and how a key is
// set, read back, suggested for a typo, or read as milliseconds or a bool.
#include "config_keys.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

#include "engine.hpp"
#include "error.hpp"
#include "filelock.h"

namespace filelock::config_detail {

const KeyDef kKeys[] = {
    {.name = "enabled", .kind = Kind::Bool, .flag = &Config::enabled},
    {.name = "timeout_seconds", .kind = Kind::Seconds, .max = kMaxTimeoutSeconds,
     .max_note = "1 week", .num = &Config::timeout_ms},
    {.name = "retry_attempts", .kind = Kind::Count, .max = double(kMaxRetryAttempts),
     .num = &Config::retry_attempts},
    {.name = "retry_delay_seconds", .kind = Kind::Seconds, .max = kMaxRetryDelaySeconds,
     .max_note = "1 day", .num = &Config::retry_delay_ms},
    {.name = "cleanup_stale_locks", .kind = Kind::Bool, .flag = &Config::cleanup_stale_locks},
    {.name = "stale_threshold_hours", .kind = Kind::Hours, .max = kMaxStaleThresholdHours,
     .max_note = "1 year", .num = &Config::stale_threshold_ms},
    // check_poll_interval_ms() allows 1 ms .. 1 hour.
    {.name = "poll_interval_seconds", .kind = Kind::Seconds, .max = kMaxPollIntervalSeconds,
     .max_note = "1 hour", .min_nonzero = 0.001, .num = &Config::poll_interval_ms},
    {.name = "remove_lock_files", .kind = Kind::Bool, .flag = &Config::remove_lock_files},
    {.name = "lock_file_mode", .kind = Kind::Mode},
    {.name = "lock_directory", .kind = Kind::Text, .text = &Config::lock_directory},
    {.name = "shared", .kind = Kind::Bool, .flag = &Config::shared},
    {.name = "tag", .kind = Kind::Text, .text = &Config::tag},
    // check_lease_ttl_ms() allows 1 s .. 1 day.
    {.name = "backend", .kind = Kind::Text, .text = &Config::backend},
    {.name = "lease_ttl_seconds", .kind = Kind::Seconds, .max = kMaxLeaseTtlSeconds,
     .max_note = "1 day", .min_nonzero = 1, .num = &Config::lease_ttl_ms},
};

const size_t kKeyCount = sizeof kKeys / sizeof kKeys[0];


int64_t unit_ms(Kind k)
{
    return k == Kind::Hours ? 3600000 : k == Kind::Seconds ? 1000 : 1;
}

const KeyDef *find_key(std::string_view name)
{
    for (const KeyDef &k : kKeys)
        if (k.name == name) return &k;
    return nullptr;
}

std::string lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A value quoted for a message, cut short so a pasted blob stays readable.
std::string show(std::string_view text)
{
    if (text.size() > 60) return "'" + std::string(text.substr(0, 57)) + "...'";
    return "'" + std::string(text) + "'";
}

std::string format_number(double v)
{
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string apply_text(const KeyDef &k, const Scalar &v, Config &c)
{
    std::string text = v.null ? std::string() : v.text;
    if (k.text == &Config::tag && check_tag(text) != FL_OK) return last_error();
    if (k.text == &Config::backend && check_backend(text) != FL_OK) return last_error();
    if (text.find('\0') != std::string::npos) return "contains a NUL byte";
    c.*k.text = std::move(text);
    return {};
}

// Modes are read as octal and must say so with a leading 0 (0640, 00640) or
// 0o (0o640).  A bare 640 is refused: YAML 1.1 readers and YAML 1.2 readers
// disagree on what unquoted numbers mean, and a mode silently read in the
// wrong base is worse than an error.
std::string apply_mode(const Scalar &v, Config &c)
{
    std::string_view t = v.text;
    if (v.null || t.empty()) {
        c.lock_file_mode = 0644;
        c.lock_file_mode_set = false;
        return {};
    }
    bool prefixed = t.size() > 1 && t[0] == '0' && (t[1] == 'o' || t[1] == 'O');
    std::string_view digits = prefixed ? t.substr(2) : t;
    bool all_digits = !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char ch) {
        return ch >= '0' && ch <= '9';
    });
    if (!all_digits) return "expected an octal mode such as 0640, got " + show(t);
    if (!prefixed && t[0] != '0')
        return "mode " + std::string(t) +
               " is ambiguous: write it with a leading zero (e.g. 0" + std::string(t) +
               ") so every YAML reader takes it as octal";
    if (digits.find_first_of("89") != std::string_view::npos)
        return "expected an octal mode such as 0640, got " + show(t) + " (digits 8 and 9 are not octal)";
    uint64_t mode = 0;
    for (char ch : digits) {
        mode = mode * 8 + static_cast<uint64_t>(ch - '0');
        if (mode > 07777) return "must be at most 07777, got " + std::string(t);
    }
    c.lock_file_mode = static_cast<uint32_t>(mode);
    c.lock_file_mode_set = true;
    return {};
}

std::optional<bool> parse_bool(std::string_view t)
{
    // YAML 1.2 spells booleans true/false; YAML 1.1 (PyYAML, which wrote the
    // original config files) also yes/no/on/off.
    std::string l = lower(t);
    if (l == "true" || l == "yes" || l == "on") return true;
    if (l == "false" || l == "no" || l == "off") return false;
    return std::nullopt;
}

std::string_view expected(Kind k)
{
    switch (k) {
    case Kind::Bool: return "true or false";
    case Kind::Seconds: return "a number of seconds";
    case Kind::Hours: return "a number of hours";
    case Kind::Count: return "a whole number";
    default: return "a value";
    }
}

// Numbers: decimal, optional fraction and exponent.  No hex, no .inf/.nan,
// no units ("30s"): anything else is a typo worth reporting.
std::string apply_number(const KeyDef &k, std::string_view t, Config &c)
{
    std::string_view body = (!t.empty() && t[0] == '+') ? t.substr(1) : t;
    bool chars_ok = !body.empty() && body.find_first_not_of("0123456789.eE+-") == std::string_view::npos;
    double value = 0;
    auto r = std::from_chars(body.data(), body.data() + body.size(), value);
    if (!chars_ok || r.ptr != body.data() + body.size() ||
        (r.ec != std::errc() && r.ec != std::errc::result_out_of_range))
        return "expected " + std::string(expected(k.kind)) + ", got " + show(t);
    if (r.ec == std::errc::result_out_of_range) return "is out of range, got " + show(t);
    if (body[0] == '-' && value != 0) return "must not be negative, got " + std::string(t);
    if (k.kind == Kind::Count && body.find_first_of(".eE") != body.npos)
        return "expected a whole number, got " + show(t);
    if (!(value <= k.max)) {
        std::string unit = k.kind == Kind::Count ? "" : k.kind == Kind::Hours ? " hours" : " seconds";
        std::string note = k.max_note.empty() ? "" : " (" + std::string(k.max_note) + ")";
        return "must be at most " + format_number(k.max) + unit + note + ", got " + std::string(t);
    }
    if (value < k.min_nonzero)
        return "must be at least " + format_number(k.min_nonzero) + " seconds, got " + std::string(t);
    c.*k.num = std::llround(value * double(unit_ms(k.kind)));
    return {};
}

// Apply one value to `c`; "" on success, else why it was refused.
std::string apply_value(const KeyDef &k, const Scalar &v, Config &c)
{
    if (k.kind == Kind::Text) return apply_text(k, v, c);
    if (k.kind == Kind::Mode) return apply_mode(v, c);
    if (v.null) return "has no value; expected " + std::string(expected(k.kind));
    if (v.quoted)
        return "expected " + std::string(expected(k.kind)) + ", got the quoted string " +
               show(v.text) + " (remove the quotes)";
    if (k.kind == Kind::Bool) {
        auto b = parse_bool(v.text);
        if (!b) return "expected true or false, got " + show(v.text);
        c.*k.flag = *b;
        return {};
    }
    return apply_number(k, v.text, c);
}

// A value given as text (environment, config_set): strings verbatim; anything
// else is read like a YAML scalar, quotes and null included.
Scalar scalar_from_text(const KeyDef &k, std::string_view value)
{
    if (k.kind == Kind::Text) return {std::string(value), false, false};
    auto b = value.find_first_not_of(" \t");
    auto e = value.find_last_not_of(" \t");
    std::string_view t = b == value.npos ? std::string_view() : value.substr(b, e - b + 1);
    if (t.size() >= 2 && (t[0] == '"' || t[0] == '\'') && t.back() == t[0])
        return {std::string(t.substr(1, t.size() - 2)), true, false};
    bool null = t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
    return {std::string(t), false, null};
}

size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string unknown_key(std::string_view key)
{
    std::string msg = "unknown key " + show(key) + " in " + std::string(kConfigSection);
    std::string_view s = suggest_key(key);
    if (!s.empty()) msg += " (did you mean '" + std::string(s) + "'?)";
    return msg;
}

} // namespace filelock::config_detail

namespace filelock {

using namespace config_detail;

const std::vector<std::string_view> &config_keys()
{
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const KeyDef &k : kKeys) v.push_back(k.name);
        return v;
    }();
    return names;
}

std::string_view suggest_key(std::string_view unknown)
{
    // Plausible slips, best first: a few typos; a truncated name ("timeout");
    // the right name with the wrong unit ("timeout_ms").
    std::string u = lower(unknown);
    std::replace(u.begin(), u.end(), '-', '_');
    auto stem = [](std::string_view s) { return s.substr(0, s.rfind('_')); };
    auto has_unit = [](std::string_view s) { return s.ends_with("_seconds") || s.ends_with("_hours"); };
    std::string_view best;
    size_t best_score = SIZE_MAX;
    for (const KeyDef &k : kKeys) {
        size_t d = edit_distance(u, k.name), tier;
        if (d <= std::max<size_t>(2, k.name.size() / 4))
            tier = 0;
        else if (u.size() >= 4 && (k.name.starts_with(u) ||  // also a plural: "timeouts"
                                   k.name.starts_with(std::string_view(u).substr(0, u.size() - 1))))
            tier = 1;
        else if (has_unit(k.name) && u.find('_') != u.npos && stem(u) == stem(k.name))
            tier = 2;
        else
            continue;
        if (tier * 1000 + d < best_score) {
            best = k.name;
            best_score = tier * 1000 + d;
        }
    }
    return best;
}

int config_set(Config *cfg, std::string_view key, std::string_view value)
{
    const KeyDef *k = find_key(key);
    if (!k) return fail(FL_ECONFIG, unknown_key(key));
    Config c = *cfg;
    std::string why = apply_value(*k, scalar_from_text(*k, value), c);
    if (!why.empty()) return fail(FL_ECONFIG, std::string(key) + ": " + why);
    *cfg = std::move(c);
    return FL_OK;
}

int config_get(const Config &cfg, std::string_view key, std::string *out)
{
    const KeyDef *k = find_key(key);
    if (!k) return fail(FL_ECONFIG, unknown_key(key));
    switch (k->kind) {
    case Kind::Bool: *out = cfg.*k->flag ? "true" : "false"; break;
    case Kind::Text: *out = cfg.*k->text; break;
    case Kind::Count: *out = std::to_string(cfg.*k->num); break;
    case Kind::Mode: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0%03o", static_cast<unsigned>(cfg.lock_file_mode));
        *out = cfg.lock_file_mode_set ? buf : "";
        break;
    }
    case Kind::Seconds:
    case Kind::Hours: {
        // The shortest fixed-point text that reads back to the same ms.
        int64_t ms = cfg.*k->num, unit = unit_ms(k->kind);
        char buf[64];
        for (int prec = 0; prec <= 12; ++prec) {
            auto r = std::to_chars(buf, buf + sizeof buf, double(ms) / double(unit),
                                   std::chars_format::fixed, prec);
            double back = 0;
            std::from_chars(buf, r.ptr, back);
            *out = std::string(buf, r.ptr);
            if (std::llround(back * double(unit)) == ms) break;
        }
        break;
    }
    }
    return FL_OK;
}

int config_get_ms(const Config &cfg, std::string_view key, int64_t *out)
{
    const KeyDef *k = find_key(key);
    if (!k) return fail(FL_ECONFIG, unknown_key(key));
    if (k->kind != Kind::Seconds && k->kind != Kind::Hours)
        return fail(FL_ECONFIG, std::string(key) + " is not a duration (it is " +
                                    std::string(expected(k->kind)) + ")");
    *out = cfg.*k->num;
    return FL_OK;
}

int config_get_bool(const Config &cfg, std::string_view key, bool *out)
{
    const KeyDef *k = find_key(key);
    if (!k) return fail(FL_ECONFIG, unknown_key(key));
    if (k->kind != Kind::Bool)
        return fail(FL_ECONFIG, std::string(key) + " is not a boolean (it is " +
                                    std::string(expected(k->kind)) + ")");
    *out = cfg.*k->flag;
    return FL_OK;
}

int parse_seconds(std::string_view text, bool allow_forever, int64_t *ms)
{
    // The configuration's number grammar (decimal, no hex, no units), so a
    // flag and a file never read the same text differently.
    static const std::string_view kForever[] = {"inf", "infinity", "forever", "none", "-1"};
    const std::string l = lower(text);
    for (std::string_view f : kForever)
        if (l == f) {
            if (!allow_forever) break;
            *ms = FL_WAIT_FOREVER;
            return FL_OK;
        }
    std::string_view body = (!text.empty() && text[0] == '+') ? text.substr(1) : text;
    double d = 0;
    bool ok = !body.empty() && body.find_first_not_of("0123456789.eE+-") == body.npos;
    auto r = std::from_chars(body.data(), body.data() + body.size(), d);
    ok = ok && r.ptr == body.data() + body.size() && r.ec == std::errc() && std::isfinite(d) &&
         !(body[0] == '-' && d != 0);
    if (!ok)
        return fail(FL_ECONFIG, "expected seconds (e.g. 0, 2.5, 30)" +
                                    std::string(allow_forever ? " or 'inf' for no limit" : "") +
                                    ", got '" + std::string(text) + "'");
    if (d * 1000.0 > double(kForeverBeyondMs)) {  // beyond a century: no deadline overflows
        if (!allow_forever) return fail(FL_ECONFIG, "more than a century of seconds: " + std::string(text));
        *ms = FL_WAIT_FOREVER;
        return FL_OK;
    }
    *ms = std::llround(d * 1000.0);
    return FL_OK;
}

} // namespace filelock
