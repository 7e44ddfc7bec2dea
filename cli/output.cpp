// output.cpp - colours, safe text, durations, tables and JSON.
#include "output.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>

namespace flcli {

bool colour_wanted(int fd)
{
    const char *no_colour = std::getenv("NO_COLOR");
    if (no_colour && *no_colour) return false;
    const char *term = std::getenv("TERM");
    if (term && std::strcmp(term, "dumb") == 0) return false;
    return isatty(fd) == 1;
}

std::string paint(bool on, const char *sgr, std::string_view text)
{
    if (!on || !sgr || text.empty()) return std::string(text);
    std::string s = "\033[";
    s += sgr;
    s += 'm';
    s += text;
    s += "\033[0m";
    return s;
}

namespace {

// Length of the valid UTF-8 sequence at s[i] and its code point, or 0.
size_t utf8_at(std::string_view s, size_t i, uint32_t *cp)
{
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const unsigned char c = b(0);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    uint32_t v = n == 1 ? c : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) {
        if ((b(k) & 0xC0) != 0x80) return 0;
        v = (v << 6) | (b(k) & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < kMin[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

} // namespace

std::string printable(std::string_view text)
{
    std::string s;
    s.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = 0;
        size_t n = utf8_at(text, i, &cp);
        // Invalid bytes, C0 and C1 controls and DEL could steer a terminal.
        if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            s += '?';
            i += n ? n : 1;
            continue;
        }
        s.append(text.substr(i, n));
        i += n;
    }
    return s;
}

std::string human_duration(int64_t ms)
{
    if (ms < 0) ms = 0;
    const int64_t s = ms / 1000;
    char buf[48];
    auto ll = [](int64_t v) { return static_cast<long long>(v); };
    if (ms < 1000)
        std::snprintf(buf, sizeof buf, "%lldms", ll(ms));
    else if (s < 60)
        std::snprintf(buf, sizeof buf, "%llds", ll(s));
    else if (s < 3600)
        std::snprintf(buf, sizeof buf, "%lldm%02llds", ll(s / 60), ll(s % 60));
    else if (s < 86400)
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", ll(s / 3600), ll(s % 3600 / 60));
    else
        std::snprintf(buf, sizeof buf, "%lldd%02lldh", ll(s / 86400), ll(s % 86400 / 3600));
    return buf;
}

std::string span_text(int64_t ms)
{
    char buf[64];
    if (ms < 0) return "no limit";
    if (ms == 0) return "0s";
    if (ms % 3600000 == 0)
        std::snprintf(buf, sizeof buf, "%lldh", static_cast<long long>(ms / 3600000));
    else if (ms % 60000 == 0)
        std::snprintf(buf, sizeof buf, "%lldm", static_cast<long long>(ms / 60000));
    else
        std::snprintf(buf, sizeof buf, "%gs", static_cast<double>(ms) / 1000.0);
    return buf;
}

std::string iso_time(int64_t epoch_ms)
{
    using namespace std::chrono;
    const int64_t s = epoch_ms >= 0 ? epoch_ms / 1000 : -((-epoch_ms + 999) / 1000);
    const sys_seconds t{std::chrono::seconds(s)};
    const sys_days day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<std::chrono::seconds> tod{t - day};
    if (!ymd.ok() || int(ymd.year()) < 0 || int(ymd.year()) > 9999) return "";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lldZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), static_cast<long long>(tod.hours().count()),
                  static_cast<long long>(tod.minutes().count()), static_cast<long long>(tod.seconds().count()));
    return buf;
}

double seconds(int64_t ms)
{
    return static_cast<double>(ms) / 1000.0;
}

nlohmann::ordered_json json_doc(const char *command)
{
    return {{"schema", 1}, {"command", command}};
}

void print_json(const nlohmann::ordered_json &doc)
{
    std::cout << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
    std::cout.flush();
}

namespace {

// Display width: UTF-8 continuation bytes take no column.
size_t width(const std::string &s)
{
    size_t w = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++w;
    return w;
}

} // namespace

void Table::print(std::FILE *out, bool colour) const
{
    std::vector<size_t> w(headers_.size(), 0);
    for (size_t i = 0; i < headers_.size(); ++i) w[i] = width(headers_[i]);
    for (const auto &row : rows_)
        for (size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(row[i].text));
    auto line = [&](const std::vector<Cell> &row) {
        std::string s;
        for (size_t i = 0; i < row.size() && i < w.size(); ++i) {
            const bool last = i + 1 == row.size();
            s += paint(colour, row[i].sgr, row[i].text);
            if (!last) s += std::string(w[i] - width(row[i].text) + 2, ' ');
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        std::fprintf(out, "%s\n", s.c_str());
    };
    std::vector<Cell> head;
    for (const auto &h : headers_) head.push_back({h, sgr::kBold});
    line(head);
    for (const auto &row : rows_) line(row);
}

} // namespace flcli
