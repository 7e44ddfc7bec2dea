// linux_proc.hpp - /proc parsing that the white-box tests check directly.
#pragma once

#include <cstdint>
#include <string>

namespace filelock::platform {

// The start token in /proc/<pid>/stat text: field 22, counted after the
// LAST ')' (the command name may contain spaces and parentheses).  -1 when
// malformed.  *state (optional) receives the state letter.
int64_t parse_stat_start_token(const std::string &stat_text, char *state);

} // namespace filelock::platform
