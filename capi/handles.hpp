// handles.hpp - what the opaque C handles are.  Each starts with a magic tag
// so that a handle of the wrong type gives FL_EINVAL rather than a crash.
#pragma once

#include <cstdint>
#include <memory>

#include "filelock.h"
#include "lock.hpp"
#include "options.hpp"

namespace filelock::capi {

constexpr uint32_t kOptionsMagic = 0x464c4f50;  // "FLOP"
constexpr uint32_t kLockMagic = 0x464c4c4b;     // "FLLK"
constexpr uint32_t kScanMagic = 0x464c5343;     // "FLSC"
constexpr uint32_t kConfigMagic = 0x464c4346;   // "FLCF"
constexpr uint32_t kBatchMagic = 0x464c4254;    // "FLBT"
constexpr uint32_t kDeadMagic = 0xdeadf10c;

template <class T>
bool valid(const T *p, uint32_t magic)
{
    return p != nullptr && p->magic == magic;
}

// Options of a possibly-NULL fl_options (NULL = defaults).
const Options &options_of(const fl_options *opts);

} // namespace filelock::capi

struct fl_options {
    uint32_t magic = filelock::capi::kOptionsMagic;
    filelock::Options o;
};

struct fl_lock {
    uint32_t magic = filelock::capi::kLockMagic;
    std::unique_ptr<filelock::Lock> l;
};
