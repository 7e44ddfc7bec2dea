// handles.hpp - what the opaque C handles are, all in one place.  Each starts
// with a magic tag so that a handle of the wrong type gives FL_EINVAL rather
// than a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "guard.hpp"

#include "filelock.h"
#include "batch.hpp"
#include "cancel.hpp"
#include "config.hpp"
#include "lock.hpp"
#include "options.hpp"
#include "file/scan.hpp"

namespace filelock::capi {

constexpr uint32_t kOptionsMagic = 0x464c4f50;  // "FLOP"
constexpr uint32_t kLockMagic = 0x464c4c4b;     // "FLLK"
constexpr uint32_t kScanMagic = 0x464c5343;     // "FLSC"
constexpr uint32_t kConfigMagic = 0x464c4346;   // "FLCF"
constexpr uint32_t kBatchMagic = 0x464c4254;    // "FLBT"
constexpr uint32_t kCancelMagic = 0x464c434e;   // "FLCN"
constexpr uint32_t kDeadMagic = 0xdeadf10c;

template <class T>
bool valid(const T *p, uint32_t magic)
{
    return p != nullptr && p->magic == magic;
}

// Options of a possibly-NULL fl_options (NULL = defaults).
const Options &options_of(const fl_options *opts);

// Run `body(*h)` inside the exception guard if `h` is a live handle of the
// kind `magic` names; otherwise FL_EINVAL ("invalid <what> handle").  Every
// setter and method of an opaque handle goes through here.
template <class H, class F>
int with_handle(H *h, uint32_t magic, const char *what, F &&body)
{
    return guard([&]() -> int {
        if (!valid(h, magic)) return fail(FL_EINVAL, std::string("invalid ") + what + " handle");
        return body(*h);
    });
}

// The body of every fl_*_free: NULL and foreign pointers are ignored, the tag
// is spoiled so a second free is caught, and nothing escapes.  Not through
// guard(): a destructor keeps the caller's last error message.
template <class H>
void destroy_handle(H *h, uint32_t magic) noexcept
{
    if (!valid(h, magic)) return;
    h->magic = kDeadMagic;
    try {
        delete h;
    } catch (...) {
    }
}

// A malloc'ed copy of `text` for the caller to release with fl_free().
int copy_out(const std::string &text, char **out);

} // namespace filelock::capi

struct fl_options {
    uint32_t magic = filelock::capi::kOptionsMagic;
    filelock::Options o;
};

struct fl_cancel {
    uint32_t magic = filelock::capi::kCancelMagic;
    std::shared_ptr<filelock::Cancel> c;  // shared with options and handles
};

struct fl_lock {
    uint32_t magic = filelock::capi::kLockMagic;
    std::unique_ptr<filelock::Lock> l;
};

struct fl_scan_options {
    uint32_t magic = filelock::capi::kScanMagic;
    filelock::ScanOptions o;
};

struct fl_config {
    uint32_t magic = filelock::capi::kConfigMagic;
    filelock::Config c;
};

struct fl_batch {
    uint32_t magic = filelock::capi::kBatchMagic;
    filelock::Batch b;
    explicit fl_batch(const filelock::Config &c) : b(c) {}
};
