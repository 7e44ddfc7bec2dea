// output.hpp - how the tool writes: colours (terminals only, never with
// NO_COLOR), safe text, durations and times, aligned tables, JSON.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace flcli {

namespace sgr {
constexpr const char *kRed = "31";
constexpr const char *kGreen = "32";
constexpr const char *kYellow = "33";
constexpr const char *kMagenta = "35";
constexpr const char *kBold = "1";
constexpr const char *kDim = "2";
} // namespace sgr

// Colour on `fd`: a terminal, NO_COLOR unset or empty, TERM not "dumb".
bool colour_wanted(int fd);

// `text` wrapped in an SGR sequence when `on` (and sgr non-null).
std::string paint(bool on, const char *sgr, std::string_view text);

// `text` with control characters (C0, DEL, C1) and bytes that are not UTF-8
// shown as '?', so that a file name cannot steer a terminal.
std::string printable(std::string_view text);

// 850ms, 42s, 5m03s, 3h12m, 2d04h.
std::string human_duration(int64_t ms);

// A threshold or timeout for messages: "2h", "90m", "1.5s", "0s".
std::string span_text(int64_t ms);

// "2024-05-01T12:00:00Z" (UTC).
std::string iso_time(int64_t epoch_ms);

// Milliseconds as seconds with millisecond precision, for JSON.
double seconds(int64_t ms);

// One JSON document on stdout; invalid UTF-8 in paths becomes U+FFFD.
void print_json(const nlohmann::ordered_json &doc);

// The start of every --json document: {"schema": 1, "command": ...}.  The
// documents are described by docs/cli-output.schema.json; fields are only
// ever added under one schema number.
nlohmann::ordered_json json_doc(const char *command);

struct Cell {
    std::string text;          // already printable()
    const char *sgr = nullptr; // colour, if any
};

// Columns padded to their widest cell; the last column is not padded.
class Table {
public:
    explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
    void add(std::vector<Cell> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.empty(); }
    void print(std::FILE *out, bool colour) const;

private:
    std::vector<std::string> headers_;
    std::vector<std::vector<Cell>> rows_;
};

} // namespace flcli
