// thread_guard.hpp - which lock files this process holds, and through which
// thread, so that a same-thread acquire through a second handle fails with
// FL_EDEADLK instead of blocking on itself forever.
#pragma once

#include "platform/platform.hpp"

namespace filelock::thread_guard {

void add(const platform::FileId &id, const void *owner, bool shared);
void remove(const platform::FileId &id, const void *owner);

// Would waiting for `id` (in `shared` mode) through `owner` wait for a lock
// the calling thread itself holds through another handle?
bool self_deadlock(const platform::FileId &id, const void *owner, bool shared);

} // namespace filelock::thread_guard
