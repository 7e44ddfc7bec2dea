// file_backend.hpp - the lock-file backend: locks are flock(2)-style OS
// locks on lock files (docs/PROTOCOL.md).
#pragma once

#include "engine.hpp"

namespace filelock {

const Backend &file_backend();

} // namespace filelock
