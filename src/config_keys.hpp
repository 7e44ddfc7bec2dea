// config_keys.hpp - the table of `file_locking:` keys and how a value of
// each is read, shared by the YAML loader, the environment, config_set()
// and config_get() (config.cpp, config_keys.cpp).  Not a public header.
#pragma once

#include <string>
#include <string_view>

#include "config.hpp"

namespace filelock::config_detail {

enum class Kind { Bool, Seconds, Hours, Count, Mode, Text };

struct KeyDef {
    std::string_view name;
    Kind kind;
    double max = 0;             // in the key's unit (seconds, hours, count)
    std::string_view max_note = {};  // the bound in words, for messages
    double min_nonzero = 0;     // smallest accepted value (poll interval)
    bool Config::*flag = nullptr;
    int64_t Config::*num = nullptr;  // milliseconds, or the count itself
    std::string Config::*text = nullptr;
};

// One value as the sources deliver it.  `quoted` marks a YAML string that was
// written in quotes: "30" is text, not a number, as in any YAML reader.
struct Scalar {
    std::string text;
    bool quoted = false;
    bool null = false;
};

// Every key, in documentation order; kKeyCount of them.
extern const KeyDef kKeys[];
extern const size_t kKeyCount;

const KeyDef *find_key(std::string_view name);
std::string lower(std::string_view s);
// "a number of seconds", "true or false", ...
std::string_view expected(Kind k);
// Apply one value to `c`; "" on success, else why it was refused.
std::string apply_value(const KeyDef &k, const Scalar &v, Config &c);
// A value given as text (environment, config_set): strings verbatim; anything
// else is read like a YAML scalar, quotes and null included.
Scalar scalar_from_text(const KeyDef &k, std::string_view value);
// "unknown key 'x' in file_locking (did you mean 'y'?)"
std::string unknown_key(std::string_view key);

} // namespace filelock::config_detail
