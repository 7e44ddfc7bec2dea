// thread_guard.hpp - which locks this process holds, and through which
// thread, so that a same-thread acquire through a second handle fails with
// FL_EDEADLK instead of blocking on itself forever.
#pragma once

#include "engine.hpp"

namespace filelock::thread_guard {

void add(const LockId &id, const void *owner, bool shared);
void remove(const LockId &id, const void *owner);

// Would waiting for `id` (in `shared` mode) through `owner` wait for a lock
// the calling thread itself holds through another handle?
bool self_deadlock(const LockId &id, const void *owner, bool shared);

} // namespace filelock::thread_guard
