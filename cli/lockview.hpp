// lockview.hpp - one lock file as status, clean and info show it: its state
// word, a short note, its table row and its JSON object.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "filelock.h"
#include "output.hpp"

namespace flcli {

// held: someone holds the OS lock now.  stale: clean would remove it.
// free: not held and not stale (holder still running, or younger than the
// threshold).  unknown: cannot be judged (another host, unreadable record,
// not a regular file, or held-ness undeterminable) - never removed.
// Waiting: a queued waiter, as a backend with a queue (etcd) lists them.
enum class State { Held, Stale, Free, Unknown, Waiting };
constexpr size_t kStateCount = 5;

// An entry of a leased backend (etcd): it has a fencing token.
bool leased(const fl_lock_info &info);

State lock_state(const fl_lock_info &info);
const char *state_name(State s);
const char *state_colour(State s);
const char *holder_name(int32_t holder);


// What is at the lock path when it is not a regular file ("" when it is).
std::string odd_kind(const fl_lock_info &info);

// A few words saying why the state is what it is ("holder dead",
// "other host", "younger than 2h", ...).
std::string short_note(const fl_lock_info &info, int64_t threshold_ms);

// The JSON object for one lock file (status entries, clean's stale_locks,
// info).  Keys: lock_file, target, state, pid, host, age_seconds, held,
// holder, stale, reason, acquired, acquired_ms, record_valid, tag, boot_id,
// start_token, size_bytes, kind.
nlohmann::ordered_json lock_json(const fl_lock_info &info);

nlohmann::ordered_json error_json(const fl_scan_error &e);

// A row of the status/clean tables: STATE AGE PID HOST <path> NOTE, where
// <path> is the target (status) or the lock file (clean).
std::vector<Cell> lock_row(const fl_lock_info &info, int64_t threshold_ms, bool show_lock_file);

} // namespace flcli
