// record.hpp - the holder record (PROTOCOL D): a lock file's text, and the
// value of an etcd lock key.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace filelock {

constexpr size_t kMaxRecordBytes = 4096;
constexpr int64_t kMaxPid = 2147483647;  // 2^31-1: larger or < 1 is invalid

struct Record {
    int64_t pid = 0;            // 1 .. 2^31-1 when valid
    std::string host;           // "" = absent (the original format)
    std::string boot;           // "" = absent
    std::string pidns;          // "" = absent
    int64_t start = -1;         // -1 = absent
    int64_t acquired_ms = -1;   // -1 = absent
    std::string tag;
    std::string target;         // absolute target path (lock-directory mode)
    bool valid = false;
    std::string problem;        // why invalid ("empty record", ...)
};

// The record this process writes when it wins the lock.
Record make_own_record(const std::string &tag, const std::string &target);

// %XX escaping, as record values use it: a byte below 0x20, 0x7f, '%' and
// any byte of `also` become %XX (upper-case hex); unescaping decodes every
// well-formed %XX and keeps anything else as it is.  The etcd backend
// escapes lock names in keys the same way (also = "/").
std::string percent_escape(std::string_view v, std::string_view also = {});
std::string percent_unescape(std::string_view v);

// The record as text.  String fields are escaped (percent_escape), so no
// value can start a line of its own.
std::string format_record(const Record &r);

// Parse strictly.  Never throws; an invalid record has valid=false and a
// problem.  Text longer than kMaxRecordBytes is "oversized".  A key given
// twice keeps its first value (the start of a record is always its newest
// write); escaped string values are decoded.
Record parse_record(std::string_view text);

// May filelock take over a file with this content as a lock file?  Yes for
// an empty file, a record of any version (the PID-only original included),
// a record cut short or left mixed with an older one by a crash mid-write,
// and a file of zero bytes only (a crash before its data reached the disk).
// Anything else - a Cargo.lock, JSON, a binary - is somebody else's file:
// false, with *what saying what it looks like.
bool takeover_allowed(std::string_view text, std::string *what);

} // namespace filelock
